using System;
using System.Collections.Generic;
using System.Text;

namespace ParallelJobs.Output
{
    /// <summary>
    /// Turns the raw bytes of one command's stdout and stderr into timestamped lines. Keeps every line,
    /// or, when bounded (the bytes are safe in slot files), only the last <c>tailLines</c> of each stream
    /// with lines cut at <c>maxLineLength</c> characters, so memory stays flat whatever the command prints.
    /// </summary>
    internal sealed class LineCollector
    {
        private readonly int _index;
        private readonly int _slot;
        private readonly string _computerName;
        private readonly bool _bounded;
        private readonly int _tailLines;
        private readonly int _maxLineBytes;
        private readonly Action<SlotOutputLine>? _observer;
        private readonly StreamState _out;
        private readonly StreamState _err;
        private readonly object _emitLock = new object();
        private long _sequence;

        /// <param name="computerName">The machine whose slot runs the command (its lines carry it); null for this one.</param>
        public LineCollector(int index, int slot, bool bounded, int tailLines, int maxLineLength, Action<SlotOutputLine>? observer, string? computerName = null)
        {
            _computerName = computerName ?? Environment.MachineName;
            _index = index;
            _slot = slot;
            _bounded = bounded;
            _tailLines = tailLines;
            _maxLineBytes = Math.Max(16, maxLineLength);
            _observer = observer;
            _out = new StreamState(StreamKind.Output);
            _err = new StreamState(StreamKind.Error);
        }

        public long OutputLines => _out.LineCount;
        public long ErrorLines => _err.LineCount;
        public long OutputBytes => _out.ByteCount;
        public long ErrorBytes => _err.ByteCount;
        /// <summary>Lines of either stream cut at the length limit (kept shortened, with a trailing "…").</summary>
        public long CutLines => _out.CutCount + _err.CutCount;

        public void Append(StreamKind kind, byte[] buffer, int count)
        {
            var s = kind == StreamKind.Output ? _out : _err;
            s.ByteCount += count;
            int start = 0;
            while (start < count)
            {
                int nl = Array.IndexOf(buffer, (byte)'\n', start, count - start);
                if (nl < 0)
                {
                    s.AddPending(buffer, start, count - start, _bounded ? _maxLineBytes : int.MaxValue);
                    return;
                }
                s.AddPending(buffer, start, nl - start, _bounded ? _maxLineBytes : int.MaxValue);
                EmitLine(s);
                start = nl + 1;
            }
        }

        /// <summary>End of a stream: a last line without a newline still counts.</summary>
        public void Complete(StreamKind kind)
        {
            var s = kind == StreamKind.Output ? _out : _err;
            if (s.PendingLength > 0 || s.PendingTruncated) EmitLine(s);
        }

        private void EmitLine(StreamState s)
        {
            int len = s.PendingLength;
            if (len > 0 && s.Pending[len - 1] == (byte)'\r') len--;
            string text = Encoding.UTF8.GetString(s.Pending, 0, len);
            if (s.PendingTruncated)
            {
                text += "…";
                s.CutCount++;
            }
            s.ResetPending();
            s.LineCount++;
            // stdout and stderr are read on two threads: numbering a line and handing it to the observer
            // happen under one lock, so the result's order of lines and the live slot view's order agree.
            lock (_emitLock)
            {
                var line = new SlotOutputLine(_slot, _index, s.Kind, text, DateTime.Now, _computerName);
                long seq = ++_sequence;
                lock (s)
                {
                    s.Lines.Enqueue(new KeyValuePair<long, SlotOutputLine>(seq, line));
                    if (_bounded && s.Lines.Count > _tailLines) s.Lines.Dequeue();
                }
                _observer?.Invoke(line);
            }
        }

        /// <summary>Both streams' kept lines, merged in the order they arrived.</summary>
        public SlotOutputLine[] ToLines()
        {
            var all = new List<KeyValuePair<long, SlotOutputLine>>(_out.Lines.Count + _err.Lines.Count);
            lock (_out) all.AddRange(_out.Lines);
            lock (_err) all.AddRange(_err.Lines);
            all.Sort((a, b) => a.Key.CompareTo(b.Key));
            var result = new SlotOutputLine[all.Count];
            for (int i = 0; i < result.Length; i++) result[i] = all[i].Value;
            return result;
        }

        private sealed class StreamState
        {
            public StreamState(StreamKind kind) { Kind = kind; }
            public readonly StreamKind Kind;
            public readonly Queue<KeyValuePair<long, SlotOutputLine>> Lines = new Queue<KeyValuePair<long, SlotOutputLine>>();
            public byte[] Pending = new byte[256];
            public int PendingLength;
            public bool PendingTruncated;
            public long LineCount;
            public long CutCount;
            public long ByteCount;

            public void AddPending(byte[] src, int offset, int count, int limit)
            {
                if (count == 0) return;
                int room = limit - PendingLength;
                if (count > room)
                {
                    PendingTruncated = true;
                    count = Math.Max(0, room);
                    if (count == 0) return;
                }
                if (PendingLength + count > Pending.Length)
                {
                    int size = Pending.Length;
                    while (size < PendingLength + count) size *= 2;
                    Array.Resize(ref Pending, size);
                }
                Buffer.BlockCopy(src, offset, Pending, PendingLength, count);
                PendingLength += count;
            }

            public void ResetPending()
            {
                PendingLength = 0;
                PendingTruncated = false;
                if (Pending.Length > 64 * 1024) Pending = new byte[256];
            }
        }
    }
}
