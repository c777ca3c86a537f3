using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace ParallelJobs.Output
{
    /// <summary>
    /// Per-slot output files: slot-&lt;k&gt;.out and slot-&lt;k&gt;.err hold exactly the bytes
    /// that slot's commands wrote, in the order they ran (a slot runs one command at a time, so nothing
    /// interleaves). commands.tsv records, per command, its slot, its host and where its bytes sit in those files,
    /// so the output can be attributed to commands when read back. A run over remote hosts numbers slots per
    /// host, so its files carry the host: slot-&lt;host&gt;-&lt;k&gt;.out (see <see cref="FileName"/>).
    /// </summary>
    internal sealed class SlotFileSet : IDisposable
    {
        public const string IndexFileName = "commands.tsv";
        private readonly string _directory;
        private readonly Dictionary<SlotKey, SlotFiles> _slots = new Dictionary<SlotKey, SlotFiles>();
        private readonly bool _namedByHost;
        private readonly LineFile _index;
        private readonly FileStream _lock;
        private readonly Action<string>? _warn;
        private readonly HashSet<string> _warned = new HashSet<string>(StringComparer.Ordinal);

        /// <param name="warn">Told, once each, about what the run cannot write (a deleted directory, commands.tsv
        /// on a full disk): the files' problems never throw into the run.</param>
        /// <param name="namedByHost">Slot numbers are per host (a run over remote hosts): the file names carry the host.</param>
        /// <exception cref="IOException">The directory cannot be made, or its files cannot be created.</exception>
        public SlotFileSet(string directory, Action<string>? warn = null, bool namedByHost = false)
        {
            _warn = warn;
            _namedByHost = namedByHost;
            _directory = Path.GetFullPath(directory);
            Directory.CreateDirectory(_directory);
            _lock = TakeLock(_directory);
            try
            {
                _index = CreateIndex(_directory, warn);
            }
            catch
            {
                _lock.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Holds the directory for this run: its lock file, open with an exclusive OS lock (flock on Unix, a
        /// share mode on Windows) until the run ends. The OS drops the lock with the process, so a run that
        /// crashed or was killed never leaves the directory held. The file itself stays (deleting it would let
        /// two runs lock two different files of the same name).
        /// </summary>
        /// <exception cref="OutputDirectoryInUseException">Another run holds it.</exception>
        private static FileStream TakeLock(string directory)
        {
            string path = Path.Combine(directory, OutputDirectoryInUseException.LockFileName);
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            }
            catch (IOException e) when (IsSharingViolation(e) && File.Exists(path))
            {
                throw new OutputDirectoryInUseException(directory, e);
            }
            try
            {
                // For people who look: which process holds it.
                var text = new UTF8Encoding(false).GetBytes(System.Diagnostics.Process.GetCurrentProcess().Id.ToString(CultureInfo.InvariantCulture) + Environment.NewLine);
                stream.SetLength(0);
                stream.Write(text, 0, text.Length);
            }
            catch (IOException) { /* a full disk: the lock is what matters */ }
            return stream;
        }

        /// <summary>
        /// Windows: ERROR_SHARING_VIOLATION or ERROR_LOCK_VIOLATION. Unix: the errno of flock(LOCK_EX | LOCK_NB)
        /// on a file another process has locked, EWOULDBLOCK (11 on Linux, 35 on macOS), which .NET puts in HResult.
        /// </summary>
        private static bool IsSharingViolation(IOException e)
        {
            if (e.GetType() != typeof(IOException)) return false;
            int code = e.HResult & 0xFFFF;
            return System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows)
                ? code == 32 || code == 33
                : code == 11 || code == 35;
        }

        private static LineFile CreateIndex(string directory, Action<string>? warn)
        {
            // A new run replaces the slot files of an earlier one, as a script's open(..., 'w') would;
            // leftovers from a run with more slots would otherwise look like part of this one.
            // "slot-*", not "slot-*.*": Wine's directory search finds nothing for a pattern with ".*" after a prefix.
            foreach (var old in Directory.GetFiles(directory, "slot-*"))
            {
                string ext = Path.GetExtension(old);
                if (ext == ".out" || ext == ".err") File.Delete(old);
            }
            string indexPath = Path.Combine(directory, IndexFileName);
            var stream = new FileStream(indexPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 1);
            // The header is written here, where a failure still stops the run before it starts.
            var header = new UTF8Encoding(false).GetBytes(IndexHeader + Environment.NewLine);
            try { stream.Write(header, 0, header.Length); }
            catch { stream.Dispose(); throw; }
            return new LineFile(stream, indexPath, reason =>
                $"Could not write to '{indexPath}': {reason}. Commands that finish from now on are not recorded in it, " +
                "so Receive-SlotOutput -Path cannot attribute their output (the slot files still hold what could be written).", warn);
        }

        /// <summary>
        /// commands.tsv's header. Host (the result's ComputerName) was added before Command; a file without it (written
        /// by an earlier version) still reads, its lines without a machine.
        /// </summary>
        public const string IndexHeader = "Index\tSlot\tStatus\tExitCode\tStartTime\tEndTime\tOutOffset\tOutLength\tErrOffset\tErrLength\tHost\tCommand";

        public static string OutPath(string directory, int slot) => Path.Combine(directory, FileName(null, slot) + ".out");
        public static string ErrPath(string directory, int slot) => Path.Combine(directory, FileName(null, slot) + ".err");
        public static string OutPath(string directory, string? host, int slot) => Path.Combine(directory, FileName(host, slot) + ".out");
        public static string ErrPath(string directory, string? host, int slot) => Path.Combine(directory, FileName(host, slot) + ".err");

        /// <summary>
        /// A slot's file name without extension: slot-&lt;k&gt; on one machine (<paramref name="host"/> null),
        /// slot-&lt;host&gt;-&lt;k&gt; for a host's slot, the host with every character other than letters, digits,
        /// '.', '_' and '-' written as %XX (its UTF-8 bytes), so user@host:port makes a file name on every system
        /// and <see cref="TryParseFileName"/> gets the host back.
        /// </summary>
        public static string FileName(string? host, int slot)
        {
            string k = slot.ToString(CultureInfo.InvariantCulture);
            if (host == null) return "slot-" + k;
            var sb = new StringBuilder("slot-");
            foreach (byte b in Encoding.UTF8.GetBytes(host))
            {
                char c = (char)b;
                if (b < 0x80 && (char.IsLetterOrDigit(c) || c == '.' || c == '_' || c == '-')) sb.Append(c);
                else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            return sb.Append('-').Append(k).ToString();
        }

        /// <summary>
        /// The host (null for slot-&lt;k&gt;) and slot of a file name made by <see cref="FileName"/> (without
        /// extension); false for any other name.
        /// </summary>
        public static bool TryParseFileName(string name, out string? host, out int slot)
        {
            host = null;
            slot = -1;
            if (name == null || !name.StartsWith("slot-", StringComparison.Ordinal)) return false;
            string rest = name.Substring("slot-".Length);
            int dash = rest.LastIndexOf('-');
            string digits = dash < 0 ? rest : rest.Substring(dash + 1);
            if (digits.Length == 0 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out slot)) return false;
            if (dash < 0) return true;
            if (dash == 0) return false;
            var bytes = new List<byte>();
            string encoded = rest.Substring(0, dash);
            for (int i = 0; i < encoded.Length; i++)
            {
                char c = encoded[i];
                if (c == '%' && i + 2 < encoded.Length && byte.TryParse(encoded.Substring(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
                {
                    bytes.Add(b);
                    i += 2;
                }
                else if (c < 0x80) bytes.Add((byte)c);
                else return false;
            }
            host = Encoding.UTF8.GetString(bytes.ToArray());
            return true;
        }

        /// <summary>The files of one slot (a machine and its slot number), made when first asked for.</summary>
        public SlotFiles ForSlot(SlotKey slot)
        {
            lock (_slots)
            {
                if (!_slots.TryGetValue(slot, out var files))
                {
                    string? host = _namedByHost ? slot.ComputerName ?? "" : null;
                    files = new SlotFiles(OutPath(_directory, host, slot.Slot), ErrPath(_directory, host, slot.Slot), OnFileLost);
                    _slots.Add(slot, files);
                }
                return files;
            }
        }

        /// <summary>A slot file could not be opened, or was deleted: say so once (per file, or once for the whole directory).</summary>
        private void OnFileLost(string path, Exception? error)
        {
            string key, message;
            if (!Directory.Exists(_directory))
            {
                key = _directory;
                message = $"Output directory '{_directory}' was removed during the run: output written from now on is lost " +
                          "(each command concerned says so in OutputWriteError).";
            }
            else
            {
                key = path;
                message = error != null
                    ? $"Could not create '{path}': {WriteFailure.Reason(error, path)}. That slot's output is lost (each command concerned says so in OutputWriteError)."
                    : $"'{path}' was deleted during the run: that slot's output from then on is lost (each command concerned says so in OutputWriteError).";
            }
            lock (_warned)
            {
                if (!_warned.Add(key)) return;
            }
            _warn?.Invoke(message);
        }

        /// <summary>The files of slot <paramref name="slot"/> of this machine.</summary>
        public SlotFiles ForSlot(int slot) => ForSlot(SlotKey.Local(slot));

        /// <summary>
        /// Records a finished command's row; its byte ranges are what its slot files (<paramref name="files"/>, those
        /// it was given) really received.
        /// </summary>
        public void Record(CommandResult r, SlotFiles? files, long outOffset, long errOffset)
        {
            long outLength = r.OutputBytes, errLength = r.ErrorBytes;
            if (files != null)
            {
                lock (_slots)
                {
                    outLength = files.OutPosition - outOffset;
                    errLength = files.ErrPosition - errOffset;
                }
            }
            string line = string.Join("\t", new[]
            {
                r.Index.ToString(CultureInfo.InvariantCulture),
                r.Slot.ToString(CultureInfo.InvariantCulture),
                r.Status.ToString(),
                r.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "",
                r.StartTime?.ToString("o", CultureInfo.InvariantCulture) ?? "",
                r.EndTime?.ToString("o", CultureInfo.InvariantCulture) ?? "",
                outOffset.ToString(CultureInfo.InvariantCulture),
                outLength.ToString(CultureInfo.InvariantCulture),
                errOffset.ToString(CultureInfo.InvariantCulture),
                errLength.ToString(CultureInfo.InvariantCulture),
                EscapeField(r.ComputerName),
                EscapeField(r.Command),
            });
            _index.WriteLine(line);
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
            _index.Dispose();
            try { _lock.Dispose(); }
            catch (Exception e) when (WriteFailure.IsWriteFailure(e)) { /* closing releases the lock whatever it says */ }
        }
    }
}
