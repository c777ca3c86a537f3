using System;
using System.Collections.Generic;
using System.IO;

namespace ParallelJobs.Quality
{
    /// <summary>One input of a run: a directory (its quality files) or a single file. Gets one result unless the run merges.</summary>
    internal sealed class QualityInput
    {
        public QualityInput(string name, string path, IReadOnlyList<string> files, bool isDirectory)
            : this(name, path, files, isDirectory, Array.Empty<QualityFileError>(), Array.Empty<QualityFileWarning>())
        {
        }

        public QualityInput(string name, string path, IReadOnlyList<string> files, bool isDirectory,
            IReadOnlyList<QualityFileError> errors, IReadOnlyList<QualityFileWarning> warnings)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Path = path ?? throw new ArgumentNullException(nameof(path));
            Files = files ?? throw new ArgumentNullException(nameof(files));
            IsDirectory = isDirectory;
            Errors = errors ?? throw new ArgumentNullException(nameof(errors));
            Warnings = warnings ?? throw new ArgumentNullException(nameof(warnings));
        }

        public string Name { get; }
        public string Path { get; }
        public IReadOnlyList<string> Files { get; }
        public bool IsDirectory { get; }
        /// <summary>Subdirectories that could not be listed (their files are not counted); a run reports them when the input is added.</summary>
        public IReadOnlyList<QualityFileError> Errors { get; }
        /// <summary>Symbolic links that were not followed (see <see cref="QualityDirectoryWalk"/>); a run reports them when the input is added.</summary>
        public IReadOnlyList<QualityFileWarning> Warnings { get; }
        /// <summary>Files of a directory that are not quality files by name, so not read (a run reports them as verbose messages).</summary>
        public IReadOnlyList<string> Skipped { get; private set; } = Array.Empty<string>();

        /// <summary>File names a directory contributes: .qual, .fastq, .fq and their .gz forms.</summary>
        public static bool IsQualityFileName(string path)
        {
            string name = System.IO.Path.GetFileName(path).ToLowerInvariant();
            if (name.EndsWith(".gz", StringComparison.Ordinal)) name = name.Substring(0, name.Length - 3);
            return name.EndsWith(".qual", StringComparison.Ordinal) || name.EndsWith(".fastq", StringComparison.Ordinal) || name.EndsWith(".fq", StringComparison.Ordinal);
        }

        /// <summary>
        /// An input from a file-system path: a file is taken whatever its name (its content decides); a directory
        /// contributes its quality files in ordinal name order, with recurse those of its subdirectories too, walked
        /// as <see cref="QualityDirectoryWalk"/> says (links to directories inside are not followed; the path itself
        /// may be a link to a directory, and is read).
        /// Throws FileNotFoundException when the path does not exist, UnauthorizedAccessException ("permission
        /// denied") when a directory on the way cannot be entered or the directory cannot be listed.
        /// </summary>
        public static QualityInput FromPath(string path, bool recurse)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            string full = System.IO.Path.GetFullPath(path);
            if (File.Exists(full))
                return new QualityInput(System.IO.Path.GetFileName(full), full, new[] { full }, false);
            if (!Directory.Exists(full)) throw WhyNotThere(full);
            string trimmed = full.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar);
            if (trimmed.Length == 0 || trimmed.EndsWith(":", StringComparison.Ordinal)) trimmed = full;
            var walk = QualityDirectoryWalk.Run(trimmed, recurse);
            string name = System.IO.Path.GetFileName(trimmed);
            return new QualityInput(name.Length == 0 ? trimmed : name, full, walk.Files, true, walk.Errors, walk.Warnings) { Skipped = walk.Skipped };
        }

        /// <summary>
        /// The path is neither a file nor a directory that can be seen. Opening it fails for the same reason the
        /// look-up did: "permission denied" when a directory on the way cannot be entered (it may well exist
        /// behind it), "no such file" when it is not there.
        /// </summary>
        private static Exception WhyNotThere(string full)
        {
            try
            {
                using (new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)) { }
            }
            catch (UnauthorizedAccessException)
            {
                string? blocked = NearestVisibleAncestor(full);
                return new UnauthorizedAccessException(full + ": permission denied" +
                    (blocked == null ? "" : " (the directory " + blocked + " cannot be entered)"));
            }
            catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
            {
            }
            catch (IOException e)
            {
                return new IOException(full + ": " + e.Message, e);
            }
            return new FileNotFoundException("No such file or directory: " + full, full);
        }

        private static string? NearestVisibleAncestor(string full)
        {
            for (string? directory = System.IO.Path.GetDirectoryName(full); !string.IsNullOrEmpty(directory); directory = System.IO.Path.GetDirectoryName(directory))
                if (Directory.Exists(directory)) return directory;
            return null;
        }
    }
}
