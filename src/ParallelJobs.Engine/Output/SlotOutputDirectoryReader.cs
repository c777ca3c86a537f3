using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace ParallelJobs.Output
{
    /// <summary>
    /// Reads a directory written by a run with an output directory back into lines: slot-&lt;k&gt;.out and
    /// slot-&lt;k&gt;.err (slot-&lt;host&gt;-&lt;k&gt;.out and .err for a run over remote hosts) hold the bytes,
    /// commands.tsv says which command wrote which byte range and on which host, so each line is attributed to
    /// its command and machine. Lines of a slot come in the order its commands ran; within one command, all of
    /// its stdout lines come before its stderr lines (the files do not record how the two streams interleaved).
    /// A line's timestamp is its command's start time. Bytes of a command that has not finished yet (no row in
    /// commands.tsv) are not returned. A commands.tsv without the Host column (an earlier version's) still
    /// reads: its lines have no ComputerName.
    /// </summary>
    internal sealed class SlotOutputDirectoryReader
    {
        private readonly Dictionary<SlotKey, List<SlotCommandRecord>> _bySlot;
        // The host-named slot files present (host, slot); a slot of a row without one reads slot-<k>.
        private readonly HashSet<SlotKey> _hostFiles = new HashSet<SlotKey>();
        private readonly HashSet<int> _plainFiles = new HashSet<int>();

        /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
        /// <exception cref="FileNotFoundException">The directory has no slot files, or no commands.tsv.</exception>
        /// <exception cref="InvalidDataException">commands.tsv is not what a run writes.</exception>
        public SlotOutputDirectoryReader(string directory)
        {
            Directory = Path.GetFullPath(directory);
            if (!System.IO.Directory.Exists(Directory)) throw new DirectoryNotFoundException($"Directory '{Directory}' does not exist.");
            FindSlotFiles(Directory, _hostFiles, _plainFiles);
            if (_hostFiles.Count == 0 && _plainFiles.Count == 0)
                throw new FileNotFoundException($"Directory '{Directory}' holds no slot files (slot-<k>.out, slot-<k>.err, or slot-<host>-<k>.out, .err); is it the -OutputDirectory of a run?");
            string index = Path.Combine(Directory, SlotFileSet.IndexFileName);
            if (!File.Exists(index)) throw new FileNotFoundException($"Directory '{Directory}' has slot files but no {SlotFileSet.IndexFileName}, so its bytes cannot be attributed to commands.", index);
            Commands = ReadIndex(index);
            _bySlot = Commands.Where(c => c.Slot >= 0)
                .GroupBy(c => new SlotKey(c.Host, c.Slot))
                .ToDictionary(g => g.Key, g => g.OrderBy(c => c.StartTime ?? DateTime.MaxValue).ThenBy(c => c.OutOffset).ThenBy(c => c.Index).ToList());
            // Every slot whose commands have a file, and every file whose slot has no command (yet).
            var slots = new SortedSet<SlotKey>(_bySlot.Keys.Where(HasFile));
            foreach (var k in _hostFiles) slots.Add(k);
            foreach (int k in _plainFiles)
                if (!slots.Any(s => s.Slot == k && !_hostFiles.Contains(s))) slots.Add(new SlotKey(null, k));
            Slots = slots.ToArray();
        }

        public string Directory { get; }
        /// <summary>Slots (machine and number) that have a slot file in the directory, by machine then slot.</summary>
        public SlotKey[] Slots { get; }
        /// <summary>The machines of <see cref="Slots"/>, in order (null for slots whose machine is not recorded).</summary>
        public IReadOnlyList<string?> Hosts => Slots.Select(s => s.ComputerName).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        /// <summary>Every row of commands.tsv, in the order they were written (the order commands finished).</summary>
        public IReadOnlyList<SlotCommandRecord> Commands { get; }

        public bool HasSlot(SlotKey slot) => Array.IndexOf(Slots, slot) >= 0;
        /// <summary>True when some machine's slot <paramref name="slot"/> has files.</summary>
        public bool HasSlot(int slot) => Slots.Any(s => s.Slot == slot);

        private bool HasFile(SlotKey slot) => _hostFiles.Contains(slot) || _plainFiles.Contains(slot.Slot);

        /// <summary>The commands a slot ran, in the order it ran them.</summary>
        public IReadOnlyList<SlotCommandRecord> CommandsOf(SlotKey slot) =>
            _bySlot.TryGetValue(slot, out var list) ? list : (IReadOnlyList<SlotCommandRecord>)Array.Empty<SlotCommandRecord>();

        /// <summary>The commands slot <paramref name="slot"/> of every machine ran, machine by machine.</summary>
        public IReadOnlyList<SlotCommandRecord> CommandsOf(int slot) => Slots.Where(s => s.Slot == slot).SelectMany(CommandsOf).ToList();

        /// <summary>Slot <paramref name="slot"/>'s lines on every machine, machine by machine.</summary>
        public IEnumerable<SlotOutputLine> ReadLines(int slot, StreamKind? stream = null) =>
            Slots.Where(s => s.Slot == slot).ToList().SelectMany(s => ReadLines(s, stream));

        /// <summary>A slot's lines, command by command in run order; <paramref name="stream"/> null for both streams.</summary>
        public IEnumerable<SlotOutputLine> ReadLines(SlotKey slot, StreamKind? stream = null)
        {
            var commands = CommandsOf(slot);
            if (commands.Count == 0) yield break;
            // A host-named file when the run wrote one for this slot, else the one machine's slot-<k>.
            string? host = _hostFiles.Contains(slot) ? slot.ComputerName : null;
            FileStream? outFile = stream != StreamKind.Error ? OpenIfExists(SlotFileSet.OutPath(Directory, host, slot.Slot)) : null;
            FileStream? errFile = stream != StreamKind.Output ? OpenIfExists(SlotFileSet.ErrPath(Directory, host, slot.Slot)) : null;
            try
            {
                foreach (var c in commands)
                {
                    var when = c.StartTime ?? c.EndTime ?? DateTime.MinValue;
                    if (outFile != null)
                        foreach (var text in SplitLines(outFile, c.OutOffset, c.OutLength))
                            yield return new SlotOutputLine(slot.Slot, c.Index, StreamKind.Output, text, when, c.Host);
                    if (errFile != null)
                        foreach (var text in SplitLines(errFile, c.ErrOffset, c.ErrLength))
                            yield return new SlotOutputLine(slot.Slot, c.Index, StreamKind.Error, text, when, c.Host);
                }
            }
            finally
            {
                outFile?.Dispose();
                errFile?.Dispose();
            }
        }

        private static FileStream? OpenIfExists(string path) =>
            File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024) : null;

        /// <summary>
        /// Lines of a byte range, cut the way the run cuts them (at '\n', one trailing '\r' removed, a last
        /// line without newline still a line, UTF-8), read in chunks so a huge range never sits in memory whole.
        /// </summary>
        private static IEnumerable<string> SplitLines(FileStream file, long offset, long length)
        {
            if (length <= 0) yield break;
            file.Seek(offset, SeekOrigin.Begin);
            var buffer = new byte[64 * 1024];
            var pending = new MemoryStream();
            long left = length;
            while (left > 0)
            {
                int n = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n <= 0) break; // the file is shorter than commands.tsv says: return what is there
                left -= n;
                int start = 0;
                while (start < n)
                {
                    int nl = Array.IndexOf(buffer, (byte)'\n', start, n - start);
                    if (nl < 0)
                    {
                        pending.Write(buffer, start, n - start);
                        break;
                    }
                    pending.Write(buffer, start, nl - start);
                    yield return Decode(pending);
                    start = nl + 1;
                }
            }
            if (pending.Length > 0) yield return Decode(pending);
        }

        private static string Decode(MemoryStream pending)
        {
            var bytes = pending.GetBuffer();
            int len = (int)pending.Length;
            if (len > 0 && bytes[len - 1] == (byte)'\r') len--;
            string text = Encoding.UTF8.GetString(bytes, 0, len);
            pending.SetLength(0);
            return text;
        }

        private static void FindSlotFiles(string directory, HashSet<SlotKey> hostFiles, HashSet<int> plainFiles)
        {
            // "slot-*", not "slot-*.*": Wine's directory search finds nothing for a pattern with ".*" after a prefix.
            foreach (var path in System.IO.Directory.EnumerateFiles(directory, "slot-*"))
            {
                string ext = Path.GetExtension(path);
                if (ext != ".out" && ext != ".err") continue;
                if (!SlotFileSet.TryParseFileName(Path.GetFileNameWithoutExtension(path), out string? host, out int k)) continue;
                if (host == null) plainFiles.Add(k);
                else hostFiles.Add(new SlotKey(host, k));
            }
        }

        private static bool EndsWithNewline(string path)
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (f.Length == 0) return false;
            f.Seek(-1, SeekOrigin.End);
            return f.ReadByte() == '\n';
        }

        private static List<SlotCommandRecord> ReadIndex(string path)
        {
            var records = new List<SlotCommandRecord>();
            using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), new UTF8Encoding(false));
            string? header = reader.ReadLine();
            if (header == null || !header.StartsWith("Index\tSlot\t", StringComparison.Ordinal))
                throw new InvalidDataException($"'{path}' does not start with the commands.tsv header.");
            // Written before the Host column existed: rows without it.
            bool hasHost = header.Split('\t').Contains("Host");
            int lineNumber = 1;
            string? line;
            while ((line = reader.ReadLine()) != null)
            {
                lineNumber++;
                if (line.Length == 0) continue;
                try
                {
                    records.Add(SlotCommandRecord.Parse(line, lineNumber, hasHost));
                }
                catch (InvalidDataException) when (reader.Peek() < 0 && !EndsWithNewline(path))
                {
                    // A run still writing: its last row is half written. The next read will have it whole.
                }
            }
            return records;
        }
    }
}
