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
    /// slot-&lt;k&gt;.err hold the bytes, commands.tsv says which command wrote which byte range, so each
    /// line is attributed to its command. Lines of a slot come in the order its commands ran; within one
    /// command, all of its stdout lines come before its stderr lines (the files do not record how the two
    /// streams interleaved). A line's timestamp is its command's start time. Bytes of a command that has
    /// not finished yet (no row in commands.tsv) are not returned.
    /// </summary>
    internal sealed class SlotOutputDirectoryReader
    {
        private readonly Dictionary<int, List<SlotCommandRecord>> _bySlot;

        /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
        /// <exception cref="FileNotFoundException">The directory has no slot files, or no commands.tsv.</exception>
        /// <exception cref="InvalidDataException">commands.tsv is not what a run writes.</exception>
        public SlotOutputDirectoryReader(string directory)
        {
            Directory = Path.GetFullPath(directory);
            if (!System.IO.Directory.Exists(Directory)) throw new DirectoryNotFoundException($"Directory '{Directory}' does not exist.");
            Slots = FindSlots(Directory);
            if (Slots.Length == 0) throw new FileNotFoundException($"Directory '{Directory}' holds no slot files (slot-<k>.out, slot-<k>.err); is it the -OutputDirectory of a run?");
            string index = Path.Combine(Directory, SlotFileSet.IndexFileName);
            if (!File.Exists(index)) throw new FileNotFoundException($"Directory '{Directory}' has slot files but no {SlotFileSet.IndexFileName}, so its bytes cannot be attributed to commands.", index);
            Commands = ReadIndex(index);
            _bySlot = Commands.Where(c => c.Slot >= 0)
                .GroupBy(c => c.Slot)
                .ToDictionary(g => g.Key, g => g.OrderBy(c => c.StartTime ?? DateTime.MaxValue).ThenBy(c => c.OutOffset).ThenBy(c => c.Index).ToList());
        }

        public string Directory { get; }
        /// <summary>Slots that have a slot file in the directory, ascending.</summary>
        public int[] Slots { get; }
        /// <summary>Every row of commands.tsv, in the order they were written (the order commands finished).</summary>
        public IReadOnlyList<SlotCommandRecord> Commands { get; }

        public bool HasSlot(int slot) => Array.BinarySearch(Slots, slot) >= 0;

        /// <summary>The commands a slot ran, in the order it ran them.</summary>
        public IReadOnlyList<SlotCommandRecord> CommandsOf(int slot) =>
            _bySlot.TryGetValue(slot, out var list) ? list : (IReadOnlyList<SlotCommandRecord>)Array.Empty<SlotCommandRecord>();

        /// <summary>A slot's lines, command by command in run order; <paramref name="stream"/> null for both streams.</summary>
        public IEnumerable<SlotOutputLine> ReadLines(int slot, StreamKind? stream = null)
        {
            var commands = CommandsOf(slot);
            if (commands.Count == 0) yield break;
            FileStream? outFile = stream != StreamKind.Error ? OpenIfExists(SlotFileSet.OutPath(Directory, slot)) : null;
            FileStream? errFile = stream != StreamKind.Output ? OpenIfExists(SlotFileSet.ErrPath(Directory, slot)) : null;
            try
            {
                foreach (var c in commands)
                {
                    var when = c.StartTime ?? c.EndTime ?? DateTime.MinValue;
                    if (outFile != null)
                        foreach (var text in SplitLines(outFile, c.OutOffset, c.OutLength))
                            yield return new SlotOutputLine(slot, c.Index, StreamKind.Output, text, when);
                    if (errFile != null)
                        foreach (var text in SplitLines(errFile, c.ErrOffset, c.ErrLength))
                            yield return new SlotOutputLine(slot, c.Index, StreamKind.Error, text, when);
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

        private static int[] FindSlots(string directory)
        {
            var slots = new SortedSet<int>();
            foreach (var path in System.IO.Directory.EnumerateFiles(directory, "slot-*.*"))
            {
                string ext = Path.GetExtension(path);
                if (ext != ".out" && ext != ".err") continue;
                string name = Path.GetFileNameWithoutExtension(path);
                if (int.TryParse(name.Substring("slot-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int k)) slots.Add(k);
            }
            return slots.ToArray();
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
            int lineNumber = 1;
            string? line;
            while ((line = reader.ReadLine()) != null)
            {
                lineNumber++;
                if (line.Length == 0) continue;
                try
                {
                    records.Add(SlotCommandRecord.Parse(line, lineNumber));
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
