using System;
using System.Collections.Generic;
using System.IO;
using System.Security;

namespace ParallelJobs.Quality
{
    /// <summary>
    /// The quality files of a directory, found as Get-ChildItem -Recurse finds them: each real subdirectory is
    /// listed once, and a symbolic link (or junction) to a directory is never descended into, so a link loop
    /// cannot be followed and a linked directory cannot be counted twice; each such link is reported as a warning
    /// that says where it points (a loop, a directory of this input that is read anyway, or one outside whose
    /// files are not read). A symbolic link to a file is read, like any file, unless it is a second name of a
    /// file the input already reads (then it is a warning, and the file counts once). A subdirectory that cannot
    /// be listed is an error naming it; every other file still counts. The directory given itself may be a link,
    /// and is read.
    /// </summary>
    internal sealed class QualityDirectoryWalk
    {
        private readonly string _root;
        private readonly string? _physicalRoot;
        private readonly List<string> _files = new List<string>();
        private readonly List<string> _fileLinks = new List<string>();
        private readonly List<string> _skipped = new List<string>();
        private readonly List<QualityFileError> _errors = new List<QualityFileError>();
        private readonly List<QualityFileWarning> _warnings = new List<QualityFileWarning>();

        private QualityDirectoryWalk(string root)
        {
            _root = root;
            _physicalRoot = RealPath.Of(root);
        }

        /// <summary>Quality files in ordinal order.</summary>
        public IReadOnlyList<string> Files => _files;
        public IReadOnlyList<QualityFileError> Errors => _errors;
        /// <summary>Files that are not quality files by name (README.txt, reads.bam): not read.</summary>
        public IReadOnlyList<string> Skipped => _skipped;
        public IReadOnlyList<QualityFileWarning> Warnings => _warnings;

        /// <summary>Walks root (no trailing separator). Throws when root itself cannot be listed.</summary>
        public static QualityDirectoryWalk Run(string root, bool recurse)
        {
            var walk = new QualityDirectoryWalk(root);
            var pending = new Stack<string>();
            pending.Push(root);
            while (pending.Count > 0) walk.List(pending.Pop(), recurse, pending);
            walk.AddFileLinks();
            walk._files.Sort(StringComparer.Ordinal);
            return walk;
        }

        private void List(string directory, bool recurse, Stack<string> pending)
        {
            IEnumerator<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(directory).EnumerateFileSystemInfos().GetEnumerator();
            }
            catch (Exception e) when (IsAccessFailure(e))
            {
                Unlistable(directory, e);
                return;
            }
            using (entries)
            {
                while (true)
                {
                    try
                    {
                        if (!entries.MoveNext()) return;
                    }
                    catch (Exception e) when (IsAccessFailure(e))
                    {
                        Unlistable(directory, e);
                        return;
                    }
                    Add(entries.Current, directory, recurse, pending);
                }
            }
        }

        private void Add(FileSystemInfo entry, string directory, bool recurse, Stack<string> pending)
        {
            FileAttributes attributes = entry.Attributes;
            // -1: the entry vanished or cannot be looked at; whatever it was, it is no link to follow.
            bool isLink = attributes != (FileAttributes)(-1) && (attributes & FileAttributes.ReparsePoint) != 0;
            if (entry is DirectoryInfo)
            {
                if (!recurse) return;
                if (isLink) _warnings.Add(DirectoryLinkNotFollowed(entry.FullName, directory));
                else pending.Push(entry.FullName);
            }
            else if (QualityInput.IsQualityFileName(entry.Name))
            {
                if (isLink) _fileLinks.Add(entry.FullName);
                else _files.Add(entry.FullName);
            }
            else
            {
                _skipped.Add(entry.FullName);
            }
        }

        private static bool IsAccessFailure(Exception e) => e is IOException || e is UnauthorizedAccessException || e is SecurityException;

        private void Unlistable(string directory, Exception e)
        {
            if (directory == _root)
            {
                if (e is UnauthorizedAccessException) throw new UnauthorizedAccessException(directory + ": permission denied: the directory cannot be listed", e);
                throw new IOException(directory + ": the directory cannot be listed: " + e.Message, e);
            }
            string why = e is UnauthorizedAccessException ? "permission denied" : e.Message;
            _errors.Add(new QualityFileError(QualityErrorKind.UnreadableDirectory, directory, 0,
                why + ": the directory cannot be listed, so its files are not counted (the other files are)", 0));
        }

        /// <summary>The physical path of a directory the walk reached (it descends real directories only).</summary>
        private string? Physical(string directory) =>
            _physicalRoot == null ? null : directory.Length == _root.Length ? _physicalRoot : Join(_physicalRoot, directory.Substring(_root.Length));

        private static string Join(string physicalRoot, string relative) =>
            physicalRoot.EndsWith("/", StringComparison.Ordinal) ? physicalRoot + relative.TrimStart('/') : physicalRoot + relative;

        private QualityFileWarning DirectoryLinkNotFollowed(string link, string directory)
        {
            string? target = RealPath.Of(link);
            string? here = Physical(directory);
            string message;
            if (target == null || here == null)
                message = "symbolic link (or junction) to a directory: not followed, so its files are not read here (give the link as a path to read them)";
            else if (RealPath.IsSameOrAncestor(target, here))
                message = "symbolic link to " + target + ", a directory that contains it: a loop, not followed";
            else if (_physicalRoot != null && RealPath.IsSameOrAncestor(_physicalRoot, target))
                message = "symbolic link to " + target + ", a directory of this input: not followed, its files are read there";
            else
                message = "symbolic link to the directory " + target + ": not followed, so its files are not read (give the link as a path to read them)";
            return new QualityFileWarning(link, message);
        }

        /// <summary>
        /// Links to files are read, except a second name of a file already read: the physical path of each real
        /// file is the physical root plus its relative path (the walk descends real directories only); a link's
        /// is its realpath.
        /// </summary>
        private void AddFileLinks()
        {
            if (_fileLinks.Count == 0) return;
            var read = new Dictionary<string, string>(StringComparer.Ordinal);
            if (_physicalRoot != null)
                foreach (string file in _files) read[Join(_physicalRoot, file.Substring(_root.Length))] = file;
            _fileLinks.Sort(StringComparer.Ordinal);
            foreach (string link in _fileLinks)
            {
                string? target = RealPath.Of(link);
                if (target != null && read.TryGetValue(target, out string? first))
                {
                    _warnings.Add(new QualityFileWarning(link, "symbolic link to a file this input already reads: same file as " + first + ", counted once"));
                    continue;
                }
                if (target != null) read[target] = link;
                _files.Add(link);
            }
        }
    }
}
