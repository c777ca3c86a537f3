using System;
using System.Runtime.CompilerServices;
using ParallelJobs.Statistics;

namespace ParallelJobs.Parsing
{
    /// <summary>
    /// The reads of one small file, decoded but not counted yet: each read's scores as Phred+33 characters, one
    /// after the other, and the reads' lengths. A small file (a Sanger clone's few reads) is parsed into this and,
    /// only once the whole file has proved valid, counted into a running total with <see cref="AddTo"/>: the cost
    /// of a file is then one byte per score, where a histogram of its own would have to be emptied and added to
    /// the total across every position and score value it touched (tens of times more work for a few reads of
    /// 1000 scores). A file with a defect never reaches the total, so nothing has to be taken back out of it.
    /// Reused from file to file; not thread-safe. Its storage comes from <see cref="RetainedArrays{T}"/> and goes back
    /// there with <see cref="Release"/>: a run's recording grows to the size of its largest file (up to 1 MB of
    /// text), and new memory of that size each run cost page faults.
    /// </summary>
    internal sealed class RecordedReads
    {
        private byte[] _characters = Array.Empty<byte>();
        private int[] _lengths = new int[16];
        private int _used;
        private int _reads;
        private int _readStart;

        /// <summary>Scores recorded so far (of every read, the one being parsed included).</summary>
        public int ScoreCount => _used;

        /// <summary>Reads ended so far.</summary>
        public int ReadCount => _reads;

        /// <summary>Forgets everything recorded, keeping the storage.</summary>
        public void Clear()
        {
            _used = 0;
            _reads = 0;
            _readStart = 0;
        }

        /// <summary>Room for <paramref name="count"/> more scores, so that the loops below need not look.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void EnsureRoom(int count)
        {
            if (_characters.Length - _used < count) Grow(count);
        }

        private void Grow(int count)
        {
            long needed = (long)_used + count;
            if (needed > int.MaxValue) throw new InvalidOperationException("A recorded file holds more than 2^31 scores.");
            int size = (int)Math.Max(needed, Math.Max(MinimumBytes, Math.Min(int.MaxValue, 2L * _characters.Length)));
            byte[] grown = RetainedArrays<byte>.Rent(size);
            Buffer.BlockCopy(_characters, 0, grown, 0, _used);
            byte[] old = _characters;
            _characters = grown;
            if (old.Length > 0) RetainedArrays<byte>.Return(old);
        }

        /// <summary>The smallest storage taken: a few Sanger reads' scores.</summary>
        private const int MinimumBytes = 64 << 10;

        /// <summary>Empties the recording and hands its storage back for the next run; the recording may be used again.</summary>
        public void Release()
        {
            Clear();
            byte[] old = _characters;
            _characters = Array.Empty<byte>();
            if (old.Length > 0) RetainedArrays<byte>.Return(old);
        }

        /// <summary>
        /// Records the scores <paramref name="source"/> hands out, which continue the read being parsed; at most
        /// <paramref name="most"/> of them (the caller's bound: one score takes at least one byte of text).
        /// Returns how many it recorded.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int RecordFrom<TSource>(ref TSource source, int most) where TSource : struct, IScoreSource
        {
            EnsureRoom(most);
            byte[] characters = _characters;
            int start = _used;
            int used = start;
            int limit = start + most;
            TSource local = source;
            while (used < limit && local.TryNext(out int score))
            {
                if ((uint)score > QualityHistogram.MaxScore) throw new InvalidOperationException("A score source gave " + score + ", outside 0.." + QualityHistogram.MaxScore + ".");
                characters[used++] = (byte)(score + 33);
            }
            source = local;
            _used = used;
            return used - start;
        }

        /// <summary>Records Phred+33 characters (scores 0..93, which the caller has checked) that continue the read being parsed.</summary>
        public unsafe void Record(byte* characters, int count)
        {
            if (count <= 0) return;
            EnsureRoom(count);
            fixed (byte* target = &_characters[_used])
            {
                Buffer.MemoryCopy(characters, target, count, count);
            }
            _used += count;
        }

        /// <summary>Ends the read being parsed; its length is the scores recorded since the last read ended.</summary>
        public void EndRead()
        {
            if (_reads == _lengths.Length) Array.Resize(ref _lengths, 2 * _lengths.Length);
            _lengths[_reads++] = _used - _readStart;
            _readStart = _used;
        }

        /// <summary>
        /// Counts the recorded reads into <paramref name="histogram"/>, as parsing the file into it would have: each
        /// read's scores at positions 0, 1, …, then the read itself (and, when per-read metrics are collected, its length).
        /// </summary>
        public unsafe void AddTo(QualityHistogram histogram)
        {
            if (histogram == null) throw new ArgumentNullException(nameof(histogram));
            if (_readStart != _used) throw new InvalidOperationException("The last read was not ended.");
            fixed (byte* characters = _characters) // null while nothing was recorded: then every read has length 0
            {
                int offset = 0;
                for (int i = 0; i < _reads; i++)
                {
                    int length = _lengths[i];
                    if (length > 0 && histogram.CountCharacters(characters + offset, length, 0, 0) != length)
                        throw new InvalidOperationException("A recorded score is outside 0..93.");
                    histogram.AddRead(length);
                    histogram.Reads?.EndRead(length); // lengths only, as for a .qual file parsed into the histogram
                    offset += length;
                }
            }
        }
    }
}
