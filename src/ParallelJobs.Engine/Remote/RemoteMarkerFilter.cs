using System;
using System.Globalization;
using System.Text;
using ParallelJobs.Processes;

namespace ParallelJobs.Remote
{
    /// <summary>
    /// Takes the remote wrapper's marker lines out of an ssh client's stderr, as bytes arrive, and passes every
    /// other byte on unchanged. A marker is "\n" + nonce + " " + words + "\n"; it is removed with its leading
    /// newline, so the command's stderr comes out byte for byte as the command wrote it, even when a marker
    /// landed in the middle of one of its lines. Bytes that may be the start of a marker are held back until
    /// the next chunk (or the end) shows whether they are.
    /// </summary>
    internal sealed class RemoteMarkerFilter
    {
        /// <summary>Markers are short; a "marker" longer than this without its newline is the command's own text.</summary>
        private const int MaxMarkerLength = 256;
        private readonly byte[] _prefix; // "\n" + nonce + " "
        private byte[] _pending = new byte[64];
        private int _pendingCount;

        public RemoteMarkerFilter(string nonce)
        {
            _prefix = Encoding.ASCII.GetBytes("\n" + nonce + " ");
        }

        /// <summary>The remote process group's leader, once the wrapper reported it (the waiter, when there is one).</summary>
        public int? RemotePid { get; private set; }
        /// <summary>The command's own process, the waiter's child, once a waiter reported it; null without a waiter.</summary>
        public int? CommandPid { get; private set; }
        /// <summary>The command's exit status as the remote shell saw it (128 + n when signal n ended it).</summary>
        public int? ExitStatus { get; private set; }
        /// <summary>A waiter (perl on the host) runs the command and reports its real wait status.</summary>
        public bool Waited => CommandPid.HasValue;
        /// <summary>From the waiter: the code the command passed to exit, and the signal that killed it (0 for none).</summary>
        public (int Code, int Signal)? WaitStatus { get; private set; }

        /// <summary>
        /// How the command ended, once the exit marker has come; null before. Exact when a waiter reported the real
        /// wait status; a waiter that did not report it was killed with the command's group (only SIGKILL ends it:
        /// it ignores the polite stop signals), so the shell's 128 + n is signal n. Without a waiter, the shell's
        /// status, where a signal reads as 128 + n and is not told apart from an exit with that code.
        /// </summary>
        public ProcessExit? Exit
        {
            get
            {
                if (!ExitStatus.HasValue) return null;
                if (WaitStatus is (int code, int signal)) return signal > 0 ? ProcessExit.Killed(signal) : ProcessExit.Exited(code);
                if (Waited && ExitStatus.Value > 128) return ProcessExit.Killed(ExitStatus.Value - 128);
                return ProcessExit.Reported(ExitStatus.Value);
            }
        }
        /// <summary>The wrapper could not enter the working directory; the command did not run.</summary>
        public bool NoDirectory { get; private set; }
        public int Heartbeats { get; private set; }

        /// <summary>Filters one chunk; <paramref name="emit"/> receives the command's own bytes (possibly several times).</summary>
        public void Feed(byte[] buffer, int offset, int count, Action<byte[], int, int> emit)
        {
            byte[] data;
            int start, end;
            if (_pendingCount > 0)
            {
                EnsurePending(_pendingCount + count);
                Buffer.BlockCopy(buffer, offset, _pending, _pendingCount, count);
                data = _pending;
                start = 0;
                end = _pendingCount + count;
                _pendingCount = 0;
                // _pending is scanned in place below; anything held back again is moved to its start.
            }
            else
            {
                data = buffer;
                start = offset;
                end = offset + count;
            }
            Scan(data, start, end, emit);
        }

        /// <summary>At end of stream: bytes held back were the command's own.</summary>
        public void Complete(Action<byte[], int, int> emit)
        {
            if (_pendingCount > 0) emit(_pending, 0, _pendingCount);
            _pendingCount = 0;
        }

        private void Scan(byte[] data, int i, int end, Action<byte[], int, int> emit)
        {
            while (i < end)
            {
                int nl = Array.IndexOf(data, (byte)'\n', i, end - i);
                if (nl < 0)
                {
                    emit(data, i, end - i);
                    return;
                }
                if (nl > i) emit(data, i, nl - i);
                int available = end - nl;
                int compare = Math.Min(available, _prefix.Length);
                if (!Matches(data, nl, compare))
                {
                    emit(data, nl, 1);
                    i = nl + 1;
                    continue;
                }
                if (available < _prefix.Length)
                {
                    Hold(data, nl, available);
                    return;
                }
                int bodyStart = nl + _prefix.Length;
                int close = Array.IndexOf(data, (byte)'\n', bodyStart, end - bodyStart);
                if (close < 0)
                {
                    if (available > MaxMarkerLength)
                    {
                        emit(data, nl, 1); // too long to be a marker
                        i = nl + 1;
                        continue;
                    }
                    Hold(data, nl, available);
                    return;
                }
                if (close - nl > MaxMarkerLength)
                {
                    emit(data, nl, 1);
                    i = nl + 1;
                    continue;
                }
                OnMarker(Encoding.ASCII.GetString(data, bodyStart, close - bodyStart));
                i = close + 1;
            }
        }

        private bool Matches(byte[] data, int at, int length)
        {
            for (int k = 0; k < length; k++)
                if (data[at + k] != _prefix[k]) return false;
            return true;
        }

        private void Hold(byte[] data, int at, int length)
        {
            if (ReferenceEquals(data, _pending))
            {
                Buffer.BlockCopy(_pending, at, _pending, 0, length);
            }
            else
            {
                EnsurePending(length);
                Buffer.BlockCopy(data, at, _pending, 0, length);
            }
            _pendingCount = length;
        }

        private void EnsurePending(int size)
        {
            if (_pending.Length >= size) return;
            var bigger = new byte[Math.Max(size, _pending.Length * 2)];
            Buffer.BlockCopy(_pending, 0, bigger, 0, _pendingCount);
            _pending = bigger;
        }

        private void OnMarker(string body)
        {
            string[] words = body.Split(' ');
            switch (words[0])
            {
                case "pid" when words.Length == 2 && int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out int pid):
                    RemotePid = pid;
                    break;
                case "cpid" when words.Length == 2 && int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out int cpid):
                    CommandPid = cpid;
                    break;
                // A sign is allowed: a Windows host's wrapper reports Process.ExitCode, negative for NTSTATUS codes (0xC0000005).
                case "status" when words.Length == 3 && int.TryParse(words[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int code)
                                                     && int.TryParse(words[2], NumberStyles.None, CultureInfo.InvariantCulture, out int signal):
                    WaitStatus = (code, signal);
                    break;
                case "exit" when words.Length == 2 && int.TryParse(words[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int status):
                    ExitStatus = status;
                    break;
                case "nodir":
                    NoDirectory = true;
                    break;
                case "hb":
                    Heartbeats++;
                    break;
            }
        }
    }
}
