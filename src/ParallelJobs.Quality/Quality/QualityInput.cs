using System;
using System.Collections.Generic;
using System.IO;

namespace ParallelJobs.Quality
{
    /// <summary>One input of a run: a directory (its quality files) or a single file. Gets one result unless the run merges.</summary>
    internal sealed class QualityInput
    {
        public QualityInput(string name, string path, IReadOnlyList<string> files, bool isDirectory)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Path = path ?? throw new ArgumentNullException(nameof(path));
            Files = files ?? throw new ArgumentNullException(nameof(files));
            IsDirectory = isDirectory;
        }

        public string Name { get; }
        public string Path { get; }
        public IReadOnlyList<string> Files { get; }
        public bool IsDirectory { get; }

        /// <summary>File names a directory contributes: .qual, .fastq, .fq and their .gz forms.</summary>
        public static bool IsQualityFileName(string path)
        {
            string name = System.IO.Path.GetFileName(path).ToLowerInvariant();
            if (name.EndsWith(".gz", StringComparison.Ordinal)) name = name.Substring(0, name.Length - 3);
            return name.EndsWith(".qual", StringComparison.Ordinal) || name.EndsWith(".fastq", StringComparison.Ordinal) || name.EndsWith(".fq", StringComparison.Ordinal);
        }

        /// <summary>
        /// An input from a file-system path: a file is taken whatever its name (its content decides); a directory
        /// contributes its quality files in ordinal name order (subdirectories too with recurse).
        /// Throws FileNotFoundException when the path does not exist.
        /// </summary>
        public static QualityInput FromPath(string path, bool recurse)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            string full = System.IO.Path.GetFullPath(path);
            if (File.Exists(full))
                return new QualityInput(System.IO.Path.GetFileName(full), full, new[] { full }, false);
            if (!Directory.Exists(full))
                throw new FileNotFoundException("No such file or directory: " + full, full);
            var files = new List<string>();
            foreach (string file in Directory.EnumerateFiles(full, "*", recurse ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly))
            {
                if (IsQualityFileName(file)) files.Add(file);
            }
            files.Sort(StringComparer.Ordinal);
            string trimmed = full.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar);
            string name = System.IO.Path.GetFileName(trimmed);
            return new QualityInput(name.Length == 0 ? trimmed : name, full, files, true);
        }
    }
}
