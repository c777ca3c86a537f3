using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace ParallelJobs.Output
{
    /// <summary>
    /// The seed's per-slot output files: slot-&lt;k&gt;.out and slot-&lt;k&gt;.err hold exactly the bytes
    /// that slot's commands wrote, in the order they ran (a slot runs one command at a time, so nothing
    /// interleaves). commands.tsv records, per command, its slot and where its bytes sit in those files,
    /// so the output can be attributed to commands when read back.
    /// </summary>
    internal sealed class SlotFileSet : IDisposable
    {
        public const string IndexFileName = "commands.tsv";
        private readonly string _directory;
        private readonly Dictionary<int, SlotFiles> _slots = new Dictionary<int, SlotFiles>();
        private readonly StreamWriter _index;
        private readonly object _indexLock = new object();

        public SlotFileSet(string directory)
        {
            _directory = Path.GetFullPath(directory);
            Directory.CreateDirectory(_directory);
            // A new run replaces the slot files of an earlier one, like the seed's open(..., 'w');
            // leftovers from a run with more slots would otherwise look like part of this one.
            foreach (var old in Directory.GetFiles(_directory, "slot-*.*"))
            {
                string ext = Path.GetExtension(old);
                if (ext == ".out" || ext == ".err") File.Delete(old);
            }
            _index = new StreamWriter(new FileStream(Path.Combine(_directory, IndexFileName), FileMode.Create, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false));
            _index.WriteLine("Index\tSlot\tStatus\tExitCode\tStartTime\tEndTime\tOutOffset\tOutLength\tErrOffset\tErrLength\tCommand");
            _index.Flush();
        }

        public static string OutPath(string directory, int slot) => Path.Combine(directory, "slot-" + slot.ToString(CultureInfo.InvariantCulture) + ".out");
        public static string ErrPath(string directory, int slot) => Path.Combine(directory, "slot-" + slot.ToString(CultureInfo.InvariantCulture) + ".err");

        public SlotFiles ForSlot(int slot)
        {
            lock (_slots)
            {
                if (!_slots.TryGetValue(slot, out var files))
                {
                    files = new SlotFiles(OutPath(_directory, slot), ErrPath(_directory, slot));
                    _slots.Add(slot, files);
                }
                return files;
            }
        }

        public void Record(CommandResult r, long outOffset, long errOffset)
        {
            string line = string.Join("\t", new[]
            {
                r.Index.ToString(CultureInfo.InvariantCulture),
                r.Slot.ToString(CultureInfo.InvariantCulture),
                r.Status.ToString(),
                r.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "",
                r.StartTime?.ToString("o", CultureInfo.InvariantCulture) ?? "",
                r.EndTime?.ToString("o", CultureInfo.InvariantCulture) ?? "",
                outOffset.ToString(CultureInfo.InvariantCulture),
                r.OutputBytes.ToString(CultureInfo.InvariantCulture),
                errOffset.ToString(CultureInfo.InvariantCulture),
                r.ErrorBytes.ToString(CultureInfo.InvariantCulture),
                EscapeField(r.Command),
            });
            lock (_indexLock)
            {
                _index.WriteLine(line);
                _index.Flush();
            }
        }

        /// <summary>Tabs, newlines and backslashes escaped so one command stays one field of one line.</summary>
        public static string EscapeField(string s) => s.Replace("\\", "\\\\").Replace("\t", "\\t").Replace("\r", "\\r").Replace("\n", "\\n");

        public static string UnescapeField(string s)
        {
            if (s.IndexOf('\\') < 0) return s;
            var sb = new StringBuilder(s.Length);
            for (int i = 0; i < s.Length; i++)
            {
                if (s[i] == '\\' && i + 1 < s.Length)
                {
                    char n = s[++i];
                    sb.Append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
                }
                else sb.Append(s[i]);
            }
            return sb.ToString();
        }

        public void Dispose()
        {
            lock (_slots)
            {
                foreach (var f in _slots.Values) f.Dispose();
                _slots.Clear();
            }
            lock (_indexLock) _index.Dispose();
        }
    }
}
