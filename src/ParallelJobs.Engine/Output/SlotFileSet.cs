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
    /// interleaves). commands.tsv records, per command, its slot and where its bytes sit in those files,
    /// so the output can be attributed to commands when read back.
    /// </summary>
    internal sealed class SlotFileSet : IDisposable
    {
        public const string IndexFileName = "commands.tsv";
        private readonly string _directory;
        private readonly Dictionary<int, SlotFiles> _slots = new Dictionary<int, SlotFiles>();
        private readonly LineFile _index;
        private readonly FileStream _lock;
        private readonly Action<string>? _warn;
        private readonly HashSet<string> _warned = new HashSet<string>(StringComparer.Ordinal);

        /// <param name="warn">Told, once each, about what the run cannot write (a deleted directory, commands.tsv
        /// on a full disk): the files' problems never throw into the run.</param>
        /// <exception cref="IOException">The directory cannot be made, or its files cannot be created.</exception>
        public SlotFileSet(string directory, Action<string>? warn = null)
        {
            _warn = warn;
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
            foreach (var old in Directory.GetFiles(directory, "slot-*.*"))
            {
                string ext = Path.GetExtension(old);
                if (ext == ".out" || ext == ".err") File.Delete(old);
            }
            string indexPath = Path.Combine(directory, IndexFileName);
            var stream = new FileStream(indexPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 1);
            // The header is written here, where a failure still stops the run before it starts.
            var header = new UTF8Encoding(false).GetBytes("Index\tSlot\tStatus\tExitCode\tStartTime\tEndTime\tOutOffset\tOutLength\tErrOffset\tErrLength\tCommand" + Environment.NewLine);
            try { stream.Write(header, 0, header.Length); }
            catch { stream.Dispose(); throw; }
            return new LineFile(stream, indexPath, reason =>
                $"Could not write to '{indexPath}': {reason}. Commands that finish from now on are not recorded in it, " +
                "so Receive-SlotOutput -Path cannot attribute their output (the slot files still hold what could be written).", warn);
        }

        public static string OutPath(string directory, int slot) => Path.Combine(directory, "slot-" + slot.ToString(CultureInfo.InvariantCulture) + ".out");
        public static string ErrPath(string directory, int slot) => Path.Combine(directory, "slot-" + slot.ToString(CultureInfo.InvariantCulture) + ".err");

        public SlotFiles ForSlot(int slot)
        {
            lock (_slots)
            {
                if (!_slots.TryGetValue(slot, out var files))
                {
                    files = new SlotFiles(OutPath(_directory, slot), ErrPath(_directory, slot), OnFileLost);
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

        /// <summary>Records a finished command's row; its byte ranges are what its slot files really received.</summary>
        public void Record(CommandResult r, long outOffset, long errOffset)
        {
            long outLength = r.OutputBytes, errLength = r.ErrorBytes;
            lock (_slots)
            {
                if (_slots.TryGetValue(r.Slot, out var files))
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
