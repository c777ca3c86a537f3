using System;
using System.Collections.Generic;
using System.Numerics;

namespace ParallelJobs.Statistics
{
    /// <summary>
    /// Per-read counts beside a <see cref="QualityHistogram"/>: the mean quality of each read, read lengths, base
    /// composition, N per position and GC per read. Only whole-number counts, so two of them add exactly and the
    /// result does not depend on how files were split between workers or machines. Collected only when asked
    /// (Get-QualityDistribution -PerRead): a histogram without one costs its parsers one null check per read.
    /// <para>
    /// A parser hands over each read's sequence (<see cref="Sequence"/>, in chunks at increasing positions) and
    /// quality characters (<see cref="Quality"/>), then ends it (<see cref="EndRead"/>). Definitions follow FastQC:
    /// a read's mean quality is floor(sum of its quality characters / length) − 33 (so the index of the floor of
    /// the mean score, shifted like the histogram's scores); bases are counted case-insensitively; GC per read is
    /// counted over the first length rounded down to a multiple of 100 (reads over 100 bases) or of 1000 (over
    /// 1000), and kept as (that length, GC count) pairs, from which FastQC's smoothed percentage curve is drawn.
    /// </para>
    /// </summary>
    internal sealed class ReadMetrics
    {
        /// <summary>Base classes: <see cref="Classes"/> maps every byte to one of them.</summary>
        internal const int A = 0, C = 1, G = 2, T = 3, N = 4, Other = 5;

        /// <summary>Lengths below this are counted in an array, longer ones in a dictionary.</summary>
        private const int DenseLengths = 1 << 16;

        private static readonly byte[] Classes = MakeClasses();
        /// <summary>1 for C, G, c and g: added up per base, without a branch (bases come in random order, so a branch mispredicts).</summary>
        private static readonly byte[] GcOf = MakeTable("CGcg");
        /// <summary>1 for N and n: rare, so the branch on it is predicted.</summary>
        private static readonly byte[] NOf = MakeTable("Nn");

        private long[] _meanQuality = new long[QualityHistogram.ScoreCount];
        private long[] _lengths = new long[256];
        private Dictionary<int, long> _longLengths = new Dictionary<int, long>();
        private long[] _bases = new long[6];
        /// <summary>
        /// Sequence bytes counted by value, in two halves (even and odd positions) so that a run of one base does not
        /// make each increment wait for the one before; folded into base classes when read (<see cref="FoldedBases"/>).
        /// </summary>
        private long[] _byteCounts = new long[512];
        private long[] _nCounts = new long[16];
        private int _nShift;
        private int _maxLength;
        private Dictionary<long, long> _gc = new Dictionary<long, long>();
        private long _readCount;
        /// <summary>Reads whose quality was not handed over (.qual files carry scores, not characters): no mean quality.</summary>
        private long _readsWithoutQuality;

        // The read being parsed.
        private long _qualitySum;
        private bool _hasQuality;
        private bool _hasSequence;
        private int _readGc;
        private int _gcAt100;
        private int _gcAt1000;

        public long ReadCount => _readCount;
        /// <summary>log2 of the positions per N column (the same rule as the histogram's columns).</summary>
        public int NShift => _nShift;

        private static byte[] MakeTable(string members)
        {
            var table = new byte[256];
            foreach (char c in members) table[c] = 1;
            return table;
        }

        private static byte[] MakeClasses()
        {
            var classes = new byte[256];
            for (int i = 0; i < 256; i++) classes[i] = Other;
            classes['A'] = classes['a'] = A;
            classes['C'] = classes['c'] = C;
            classes['G'] = classes['g'] = G;
            classes['T'] = classes['t'] = T;
            classes['N'] = classes['n'] = N;
            return classes;
        }

        /// <summary>
        /// Bases at 0-based positions position.. of the read being parsed. Chunks come in order; a read's
        /// positions start at 0.
        /// </summary>
        public unsafe void Sequence(byte* p, int count, int position)
        {
            if (count <= 0) return;
            _hasSequence = true;
            EnsurePositions(position + count);
            int end = position + count;
            long[] counts = _byteCounts;
            byte[] gcOf = GcOf, nOf = NOf;
            int gc = _readGc;
            while (position < end)
            {
                // Up to the next multiple of 100 (1000 beyond 1000): where the GC count is noted for truncation.
                int next = position < 1000 ? (position / 100 + 1) * 100 : (position / 1000 + 1) * 1000;
                int stop = next < end ? next : end;
                if (Vector.IsHardwareAccelerated && stop - position >= Vector<byte>.Count)
                {
                    int done = CountVectors(p, stop - position, position, ref gc);
                    p += done;
                    position += done;
                }
                for (; position < stop; position++, p++)
                {
                    byte b = *p;
                    counts[b | ((position & 1) << 8)]++;
                    gc += gcOf[b];
                    if (nOf[b] != 0) _nCounts[position >> _nShift]++;
                }
                if (position == next)
                {
                    if (next <= 1000) _gcAt100 = gc;
                    if (next % 1000 == 0) _gcAt1000 = gc;
                }
            }
            _readGc = gc;
        }

        /// <summary>
        /// The whole vectors of a stretch of at most 1000 bases (so a byte lane counts at most 63 matches): each byte
        /// with its case bit set is compared with a, c, g, t and n, and the matches are added up per lane; N positions
        /// are counted one by one only in a vector that holds an N. Returns the bytes done; adds G and C to gc.
        /// </summary>
        private unsafe int CountVectors(byte* p, int length, int position, ref int gc)
        {
            int width = Vector<byte>.Count;
            var caseBit = new Vector<byte>(0x20);
            Vector<byte> a = Vector<byte>.Zero, c = a, g = a, t = a, n = a;
            int done = 0;
            for (; done + width <= length; done += width)
            {
                var v = *(Vector<byte>*)(p + done) | caseBit;
                var isN = Vector.Equals(v, new Vector<byte>((byte)'n'));
                // A match is all ones (255): subtracting it adds one.
                a -= Vector.Equals(v, new Vector<byte>((byte)'a'));
                c -= Vector.Equals(v, new Vector<byte>((byte)'c'));
                g -= Vector.Equals(v, new Vector<byte>((byte)'g'));
                t -= Vector.Equals(v, new Vector<byte>((byte)'t'));
                n -= isN;
                if (!Vector.EqualsAll(isN, Vector<byte>.Zero)) CountNPositions(p + done, width, position + done);
            }
            long[] bases = _bases;
            long countA = Sum(a), countC = Sum(c), countG = Sum(g), countT = Sum(t), countN = Sum(n);
            bases[A] += countA;
            bases[C] += countC;
            bases[G] += countG;
            bases[T] += countT;
            bases[N] += countN;
            bases[Other] += done - countA - countC - countG - countT - countN;
            gc += (int)(countC + countG);
            return done;
        }

        private unsafe void CountNPositions(byte* p, int count, int position)
        {
            for (int i = 0; i < count; i++)
                if (NOf[p[i]] != 0) _nCounts[(position + i) >> _nShift]++;
        }

        /// <summary>The sum of a vector's byte lanes.</summary>
        private static long Sum(Vector<byte> lanes)
        {
            Vector.Widen(lanes, out Vector<ushort> low, out Vector<ushort> high);
            return Vector.Dot(low + high, Vector<ushort>.One);
        }

        /// <summary>Quality characters of the read being parsed (any number of chunks).</summary>
        public unsafe void Quality(byte* p, int count)
        {
            _hasQuality = true;
            long sum = 0;
            byte* end = p + count;
            for (; p + 4 <= end; p += 4) sum += p[0] + p[1] + p[2] + p[3];
            for (; p < end; p++) sum += *p;
            _qualitySum += sum;
        }

        /// <summary>Ends the read being parsed: its length, mean quality and GC are counted.</summary>
        public void EndRead(int length)
        {
            _readCount++;
            AddLength(length, 1);
            if (length > _maxLength) _maxLength = length;
            EnsurePositions(length);
            if (!_hasQuality) _readsWithoutQuality++;
            else if (length > 0)
            {
                long index = _qualitySum / length - 33;
                _meanQuality[index < 0 ? 0 : index > QualityHistogram.MaxScore ? QualityHistogram.MaxScore : index]++;
            }
            if (_hasSequence && length > 0)
            {
                int truncated = length > 1000 ? length / 1000 * 1000 : length > 100 ? length / 100 * 100 : length;
                int gc = length > 1000 ? _gcAt1000 : length > 100 ? _gcAt100 : _readGc;
                long key = ((long)truncated << 32) | (uint)gc;
                _gc.TryGetValue(key, out long n);
                _gc[key] = n + 1;
            }
            _qualitySum = 0;
            _hasQuality = _hasSequence = false;
            _readGc = _gcAt100 = _gcAt1000 = 0;
        }

        private void AddLength(int length, long count)
        {
            if (length < DenseLengths)
            {
                if (length >= _lengths.Length) Array.Resize(ref _lengths, Math.Min(DenseLengths, Math.Max(length + 1, _lengths.Length * 2)));
                _lengths[length] += count;
            }
            else
            {
                _longLengths.TryGetValue(length, out long n);
                _longLengths[length] = n + count;
            }
        }

        /// <summary>Room for N counts at positions 0..length−1, coarsening as <see cref="QualityHistogram.EnsureLength"/> does.</summary>
        private void EnsurePositions(int length)
        {
            if (length <= 0) return;
            while (((length - 1) >> _nShift) >= QualityHistogram.MaxColumns) CoarsenN();
            int needed = ((length - 1) >> _nShift) + 1;
            if (needed > _nCounts.Length) Array.Resize(ref _nCounts, Math.Min(QualityHistogram.MaxColumns, Math.Max(needed, _nCounts.Length * 2)));
        }

        private void CoarsenN()
        {
            long[] counts = _nCounts;
            for (int j = 0; j < counts.Length; j++)
            {
                long a = 2 * j < counts.Length ? counts[2 * j] : 0;
                long b = 2 * j + 1 < counts.Length ? counts[2 * j + 1] : 0;
                counts[j] = a + b;
            }
            _nShift++;
        }

        /// <summary>
        /// Adds another's counts; <paramref name="scoreShift"/> is subtracted from its mean-quality indexes, as
        /// <see cref="QualityHistogram.Add(QualityHistogram, int)"/> does for scores (31: Phred+64).
        /// </summary>
        public void Add(ReadMetrics other, int scoreShift = 0)
        {
            if (other == null) throw new ArgumentNullException(nameof(other));
            for (int i = scoreShift; i < other._meanQuality.Length; i++) _meanQuality[i - scoreShift] += other._meanQuality[i];
            for (int length = 0; length < other._lengths.Length; length++)
                if (other._lengths[length] != 0) AddLength(length, other._lengths[length]);
            foreach (var pair in other._longLengths) AddLength(pair.Key, pair.Value);
            long[] otherBases = other.FoldedBases();
            for (int k = 0; k < _bases.Length; k++) _bases[k] += otherBases[k];
            while (_nShift < other._nShift) CoarsenN();
            if (other._maxLength > 0) EnsurePositions(other._maxLength);
            int extra = _nShift - other._nShift;
            for (int c = 0; c < other._nCounts.Length; c++)
                if (other._nCounts[c] != 0) _nCounts[c >> extra] += other._nCounts[c];
            foreach (var pair in other._gc)
            {
                _gc.TryGetValue(pair.Key, out long n);
                _gc[pair.Key] = n + pair.Value;
            }
            _readCount += other._readCount;
            _readsWithoutQuality += other._readsWithoutQuality;
            if (other._maxLength > _maxLength) _maxLength = other._maxLength;
        }

        /// <summary>Empties it for the next file.</summary>
        public void Clear()
        {
            Array.Clear(_meanQuality, 0, _meanQuality.Length);
            Array.Clear(_lengths, 0, _lengths.Length);
            _longLengths.Clear();
            Array.Clear(_bases, 0, _bases.Length);
            Array.Clear(_byteCounts, 0, _byteCounts.Length);
            _nCounts = new long[16];
            _nShift = 0;
            _maxLength = 0;
            _gc.Clear();
            _readCount = _readsWithoutQuality = 0;
            _qualitySum = 0;
            _hasQuality = _hasSequence = false;
            _readGc = _gcAt100 = _gcAt1000 = 0;
        }

        /// <summary>A copy that later additions to this one do not change (what a result keeps).</summary>
        public ReadMetrics Clone()
        {
            var copy = new ReadMetrics();
            copy.Add(this);
            return copy;
        }

        // ---- Read access, for statistics, reports and the saved file ----

        /// <summary>Reads per mean-quality score (index = floor of the mean score).</summary>
        public long[] MeanQualityCounts => (long[])_meanQuality.Clone();

        public long ReadsWithoutQuality => _readsWithoutQuality;

        /// <summary>Counts of A, C, G, T, N and other bytes over all sequences.</summary>
        public long[] BaseCounts => FoldedBases();

        /// <summary>The base classes' counts: those kept as classes plus the bytes counted by value.</summary>
        private long[] FoldedBases()
        {
            var bases = (long[])_bases.Clone();
            for (int i = 0; i < _byteCounts.Length; i++)
                if (_byteCounts[i] != 0) bases[Classes[i & 0xFF]] += _byteCounts[i];
            return bases;
        }

        public int MaxLength => _maxLength;

        /// <summary>(length, reads) for every length that occurs, shortest first.</summary>
        public List<KeyValuePair<int, long>> Lengths()
        {
            var list = new List<KeyValuePair<int, long>>();
            for (int length = 0; length < _lengths.Length; length++)
                if (_lengths[length] != 0) list.Add(new KeyValuePair<int, long>(length, _lengths[length]));
            var longer = new List<KeyValuePair<int, long>>(_longLengths);
            longer.Sort((x, y) => x.Key.CompareTo(y.Key));
            list.AddRange(longer);
            return list;
        }

        /// <summary>N counts per column of 2^<see cref="NShift"/> positions, as many columns as the longest read needs.</summary>
        public long[] NCounts()
        {
            int columns = _maxLength == 0 ? 0 : ((_maxLength - 1) >> _nShift) + 1;
            var counts = new long[columns];
            Array.Copy(_nCounts, counts, Math.Min(columns, _nCounts.Length));
            return counts;
        }

        /// <summary>(GC length, GC count, reads) triples, ordered by length then count.</summary>
        public List<long[]> GcCounts()
        {
            var list = new List<long[]>(_gc.Count);
            foreach (var pair in _gc) list.Add(new[] { pair.Key >> 32, pair.Key & 0xFFFFFFFF, pair.Value });
            list.Sort((x, y) => x[0] != y[0] ? x[0].CompareTo(y[0]) : x[1].CompareTo(y[1]));
            return list;
        }

        /// <summary>Rebuilds saved counts (the inverse of the accessors above); the caller has checked them.</summary>
        internal static ReadMetrics FromSaved(long[] meanQuality, long readsWithoutQuality, IEnumerable<KeyValuePair<int, long>> lengths, long[] bases,
            int maxLength, long[] nCounts, IEnumerable<long[]> gc)
        {
            var m = new ReadMetrics();
            Array.Copy(meanQuality, m._meanQuality, Math.Min(meanQuality.Length, m._meanQuality.Length));
            m._readsWithoutQuality = readsWithoutQuality;
            foreach (var pair in lengths)
            {
                m.AddLength(pair.Key, pair.Value);
                m._readCount += pair.Value;
            }
            Array.Copy(bases, m._bases, Math.Min(bases.Length, m._bases.Length));
            m._maxLength = maxLength;
            if (maxLength > 0) m.EnsurePositions(maxLength);
            Array.Copy(nCounts, m._nCounts, Math.Min(nCounts.Length, m._nCounts.Length));
            foreach (long[] t in gc) m._gc[(t[0] << 32) | (uint)t[1]] = t[2];
            return m;
        }
    }
}
