using System;
using System.Runtime.CompilerServices;
using ParallelJobs.Scanning;

namespace ParallelJobs.Statistics
{
    /// <summary>
    /// Counts of quality scores (0..93) per read position, plus read and base counts. Statistics come from
    /// these counts, never from lists of scores, so memory does not grow with the amount of data, and two
    /// histograms merge exactly by addition.
    /// <para>
    /// Columns are bins of <see cref="BinWidth"/> positions (a power of two). It starts at 1 (exact positions);
    /// when a read longer than <see cref="MaxColumns"/> × width appears, adjacent columns are added pairwise
    /// and the width doubles. Bin boundaries are always multiples of the width, so coarsening is exact: the
    /// result does not depend on the order of reads or on how files were split between workers.
    /// </para>
    /// </summary>
    internal sealed class QualityHistogram
    {
        /// <summary>Scores 0..93, the whole Sanger range (Phred+33 '!'..'~').</summary>
        public const int ScoreCount = 94;
        public const int MaxScore = ScoreCount - 1;
        /// <summary>Exact positions up to this many; longer reads are binned so that at most this many columns exist.</summary>
        public const int MaxColumns = 4096;

        // Flat [column * ScoreCount + score]; long so that no realistic amount of data overflows. Only this class
        // writes it: parsers hand over runs of quality characters (CountCharacters, TryCountCharacters).
        private long[] _counts = new long[16 * ScoreCount];
        // log2 of the bin width.
        private int _shift;
        // Columns that may hold counts since the last Clear; every column from here on is zero. Clear empties only
        // these: a file of a few long reads touches a megabyte of columns at most, not the whole array (which may
        // be as large as the longest file of the session made it).
        private int _dirtyColumns;

        private void MarkDirty(int columns)
        {
            if (columns > _dirtyColumns) _dirtyColumns = columns;
        }

        public long ReadCount { get; private set; }
        public long BaseCount { get; private set; }
        /// <summary>Shortest read (0 when there are no reads).</summary>
        public int MinLength => ReadCount == 0 ? 0 : _minLength;
        public int MaxLength { get; private set; }
        public int BinWidth => 1 << _shift;

        /// <summary>Per-read counts, collected only when set (see <see cref="ReadMetrics"/>); null: quality only.</summary>
        internal ReadMetrics? Reads { get; set; }

        /// <summary>True while every column is one position (no read has been long enough to bin them).</summary>
        internal bool HasExactPositions => _shift == 0;

        private int ColumnCapacity => _counts.Length / ScoreCount;

        private int _minLength = int.MaxValue;

        /// <summary>Makes room for positions 1..length, coarsening the bins if needed.</summary>
        public void EnsureLength(int length)
        {
            if (length <= 0) return;
            while (((length - 1) >> _shift) >= MaxColumns) Coarsen();
            int needed = ((length - 1) >> _shift) + 1;
            MarkDirty(needed);
            if (needed > ColumnCapacity)
            {
                int capacity = Math.Min(MaxColumns, Math.Max(needed, ColumnCapacity * 2));
                var grown = RetainedArrays<long>.Rent(capacity * ScoreCount);
                Array.Copy(_counts, grown, _counts.Length);
                var old = _counts;
                _counts = grown;
                if (old.Length >= RetainedMinimumColumns * ScoreCount) RetainedArrays<long>.Return(old);
            }
        }

        /// <summary>Records one read of the given length whose scores were counted with <see cref="AddScore"/> or by a parser.</summary>
        public void AddRead(int length)
        {
            ReadCount++;
            BaseCount += length;
            if (length < _minLength) _minLength = length;
            if (length > MaxLength) MaxLength = length;
        }

        /// <summary>Counts one score at a 0-based position (slow path, for tests and generators).</summary>
        public void AddScore(int position, int score)
        {
            if ((uint)score > MaxScore) throw new ArgumentOutOfRangeException(nameof(score));
            EnsureLength(position + 1);
            _counts[(position >> _shift) * ScoreCount + score]++;
        }

        /// <summary>Adds <paramref name="count"/> occurrences of one score at a 0-based position (for tests of huge counts).</summary>
        internal void AddScore(int position, int score, long count)
        {
            if ((uint)score > MaxScore) throw new ArgumentOutOfRangeException(nameof(score));
            if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
            EnsureLength(position + 1);
            _counts[(position >> _shift) * ScoreCount + score] += count;
        }

        /// <summary>
        /// Counts a run of one read's quality as Phred+33 characters: <paramref name="characters"/>[i] − 33 is the
        /// score at 0-based position <paramref name="position"/> + i. Makes room as needed. Stops before the first
        /// character whose score lies outside <paramref name="lowestScore"/>..93 and returns how many it counted:
        /// <paramref name="count"/> when all of them were.
        /// </summary>
        [MethodImpl(ByteScan.AggressiveOptimization)]
        internal unsafe int CountCharacters(byte* characters, int count, int position, int lowestScore)
        {
            if (count <= 0) return 0;
            EnsureLength(position + count);
            fixed (long* counts = &_counts[0])
            {
                // Exact positions and nothing wrong (the usual case): one vector scan, then only loads and increments.
                if (_shift == 0 && ByteScan.AllWithin(characters, count, 33 + lowestScore, out _))
                {
                    CountUnchecked(characters, count, counts + (long)position * ScoreCount - 33);
                    return count;
                }
                uint span = (uint)(MaxScore - lowestScore);
                int shift = _shift;
                byte* p = characters;
                byte* end = characters + count;
                for (; p < end; p++, position++)
                {
                    int score = *p - 33;
                    if ((uint)(score - lowestScore) > span) break;
                    counts[(long)(position >> shift) * ScoreCount + score]++;
                }
                return (int)(p - characters);
            }
        }

        /// <summary>
        /// Counts scores pulled from <paramref name="source"/> at positions <paramref name="position"/>, +1, … until
        /// it has no more; returns how many. Makes room as needed. A struct source is compiled into this loop, so
        /// a parser's decoding and this counting run as one loop without the parser seeing the counts.
        /// </summary>
        internal unsafe int CountFrom<TSource>(ref TSource source, int position) where TSource : struct, IScoreSource
        {
            int start = position;
            TSource local = source;
            while (true)
            {
                long limit = (long)ColumnCapacity << _shift;
                if (position >= limit)
                {
                    // Room for one more position only when the source has one: growing further could bin too early.
                    if (!local.TryNext(out int score)) break;
                    AddScore(position++, score);
                    continue;
                }
                fixed (long* counts = &_counts[0])
                {
                    position = _shift == 0
                        ? CountExact(local, position, counts, (int)limit, out local)
                        : CountBinned(local, position, counts, limit, _shift, out local);
                }
                if (position < limit) break; // the source has no more
            }
            if (position > start) MarkDirty(((position - 1) >> _shift) + 1);
            source = local;
            return position - start;
        }

        /// <summary>
        /// Exact positions: a pointer walks the columns. Stops when the source ends or the columns do. The source
        /// comes by value, a local the JIT keeps in registers, and goes back through <paramref name="after"/>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe int CountExact<TSource>(TSource source, int position, long* counts, int columns, out TSource after)
            where TSource : struct, IScoreSource
        {
            long* column = counts + (long)position * ScoreCount;
            long* last = counts + (long)columns * ScoreCount;
            while (column < last && source.TryNext(out int score))
            {
                if ((uint)score > MaxScore) throw BadSourceScore(score);
                column[score]++;
                column += ScoreCount;
            }
            after = source;
            return (int)((column - counts) / ScoreCount);
        }

        /// <summary>Bins of several positions: as <see cref="CountExact"/>, up to position <paramref name="limit"/>.</summary>
        private static unsafe int CountBinned<TSource>(TSource source, int position, long* counts, long limit, int shift, out TSource after)
            where TSource : struct, IScoreSource
        {
            while (position < limit && source.TryNext(out int score))
            {
                if ((uint)score > MaxScore) throw BadSourceScore(score);
                counts[(long)(position >> shift) * ScoreCount + score]++;
                position++;
            }
            after = source;
            return position;
        }

        private static InvalidOperationException BadSourceScore(int score) =>
            new InvalidOperationException("A score source gave " + score + ", outside 0.." + MaxScore + ".");

        /// <summary>
        /// Counts the Phred+33 quality characters of a whole read, positions 0..count−1, when the columns hold
        /// them as they are (exact positions, room for all) and every character is a score of at least
        /// <paramref name="lowestScore"/>: true. Otherwise counts nothing and returns false, and the caller takes
        /// the general way (<see cref="CountCharacters"/>). The check is one vector scan, so the counting loop is
        /// nothing but loads and increments.
        /// </summary>
        [MethodImpl(ByteScan.AggressiveOptimization)]
        internal unsafe bool TryCountCharacters(byte* characters, int count, int lowestScore)
        {
            if (_shift != 0 || count > ColumnCapacity || !ByteScan.AllWithin(characters, count, 33 + lowestScore, out _)) return false;
            MarkDirty(count);
            fixed (long* counts = &_counts[0])
            {
                CountUnchecked(characters, count, counts - 33);
            }
            return true;
        }

        /// <summary>column[p[i]]++ for column i: four at a time, since one increment per byte is the floor and the loop's own bookkeeping is shared.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void CountUnchecked(byte* p, int count, long* column)
        {
            const int S = ScoreCount;
            byte* stop = p + count;
            for (; p + 4 <= stop; p += 4, column += 4 * S)
            {
                column[p[0]]++;
                column[S + p[1]]++;
                column[2 * S + p[2]]++;
                column[3 * S + p[3]]++;
            }
            for (; p < stop; p++, column += S) column[*p]++;
        }

        /// <summary>
        /// The lowest and highest score that occur anywhere; false (both -1) when the histogram holds no score.
        /// From the counts rather than per byte while parsing, which keeps the parsers' loops short.
        /// </summary>
        internal bool TryGetScoreRange(out int lowest, out int highest)
        {
            lowest = highest = -1;
            int columns = Math.Min(ColumnCount, ColumnCapacity);
            for (int score = 0; score < ScoreCount && lowest < 0; score++)
                if (Occurs(score, columns)) lowest = score;
            for (int score = MaxScore; score >= 0 && highest < 0; score--)
                if (Occurs(score, columns)) highest = score;
            return lowest >= 0;
        }

        private bool Occurs(int score, int columns)
        {
            for (int column = 0; column < columns; column++)
                if (_counts[column * ScoreCount + score] != 0) return true;
            return false;
        }

        /// <summary>Count of a score in a column (a bin of <see cref="BinWidth"/> positions).</summary>
        public long GetCount(int column, int score) =>
            column < ColumnCapacity ? _counts[column * ScoreCount + score] : 0;

        /// <summary>Number of columns that hold data: ceil(MaxLength / BinWidth).</summary>
        public int ColumnCount => MaxLength == 0 ? 0 : ((MaxLength - 1) >> _shift) + 1;

        /// <summary>Adds another histogram. scoreShift is subtracted from its scores (31 turns Phred+33 indexes into Phred+64 scores).</summary>
        public void Add(QualityHistogram other, int scoreShift = 0)
        {
            if (other == null) throw new ArgumentNullException(nameof(other));
            if (other.Reads != null) (Reads ??= new ReadMetrics()).Add(other.Reads, scoreShift);
            if (other.ReadCount == 0 && other.MaxLength == 0)
            {
                return;
            }
            while (_shift < other._shift) Coarsen();
            EnsureLength(other.MaxLength);
            int extraShift = _shift - other._shift;
            int columns = Math.Min(other.ColumnCapacity, other.ColumnCount);
            long[] source = other._counts;
            long[] target = _counts;
            if (extraShift == 0 && scoreShift == 0) AddSparse(target, source, columns * ScoreCount);
            else for (int column = 0; column < columns; column++)
            {
                int from = column * ScoreCount;
                int to = (column >> extraShift) * ScoreCount - scoreShift;
                for (int score = scoreShift; score < ScoreCount; score++)
                {
                    target[to + score] += source[from + score];
                }
            }
            ReadCount += other.ReadCount;
            BaseCount += other.BaseCount;
            if (other.ReadCount > 0 && other._minLength < _minLength) _minLength = other._minLength;
            if (other.MaxLength > MaxLength) MaxLength = other.MaxLength;
        }

        /// <summary>
        /// target[0, count) += source[0, count), a vector at a time, skipping the vectors of source that are all zero:
        /// a file's histogram is mostly zeros (a few reads, a few scores per position), and adding it to its input's
        /// total after every file must not cost as much as the file's parsing.
        /// </summary>
        private static void AddSparse(long[] target, long[] source, int count)
        {
            int i = 0;
            if (System.Numerics.Vector.IsHardwareAccelerated)
            {
                int width = System.Numerics.Vector<long>.Count;
                for (; i <= count - width; i += width)
                {
                    var add = new System.Numerics.Vector<long>(source, i);
                    if (add == System.Numerics.Vector<long>.Zero) continue;
                    (new System.Numerics.Vector<long>(target, i) + add).CopyTo(target, i);
                }
            }
            for (; i < count; i++) target[i] += source[i];
        }

        /// <summary>
        /// Adds saved counts (a quality distribution's, or one loaded from a file) exactly as
        /// <see cref="Add(QualityHistogram, int)"/> adds a live histogram: coarsened to the wider of the two bin
        /// widths, so merged parts give the bins one run over all their reads would have.
        /// </summary>
        internal void Add(QualityCounts other)
        {
            if (other == null) throw new ArgumentNullException(nameof(other));
            if (other.Reads != null) (Reads ??= new ReadMetrics()).Add(other.Reads);
            if (other.ReadCount == 0 && other.MaxLength == 0) return;
            while (_shift < other.Shift) Coarsen();
            EnsureLength(other.MaxLength);
            int extraShift = _shift - other.Shift;
            int columns = other.ColumnCount;
            int span = other.ScoreSpan;
            long[] source = other.Counts;
            long[] target = _counts;
            for (int column = 0; column < columns; column++)
            {
                int from = column * span;
                int to = (column >> extraShift) * ScoreCount + other.LowScore;
                for (int s = 0; s < span; s++) target[to + s] += source[from + s];
            }
            ReadCount += other.ReadCount;
            BaseCount += other.BaseCount;
            if (other.ReadCount > 0 && other.MinLength < _minLength) _minLength = other.MinLength;
            if (other.MaxLength > MaxLength) MaxLength = other.MaxLength;
        }

        /// <summary>A frozen copy of the columns that hold data, trimmed to the scores that occur (what a result keeps).</summary>
        internal QualityCounts ToCounts()
        {
            int columns = ColumnCount;
            long[] source = _counts;
            int low = ScoreCount, high = -1;
            for (int c = 0; c < columns; c++)
            {
                int from = c * ScoreCount;
                for (int s = 0; s < low; s++) if (source[from + s] != 0) { low = s; break; }
                for (int s = MaxScore; s > high; s--) if (source[from + s] != 0) { high = s; break; }
            }
            if (high < 0) { low = 0; high = -1; }
            int span = high - low + 1;
            // Every element is written below. A result's counts are fresh memory each run (they outlive it), and
            // the zeroing a new array gets would only touch each page of it once more.
#if NET
            var counts = GC.AllocateUninitializedArray<long>(columns * span);
#else
            var counts = new long[columns * span];
#endif
            for (int c = 0; c < columns && span > 0; c++)
                Array.Copy(source, c * ScoreCount + low, counts, c * span, span);
            return new QualityCounts(_shift, ReadCount, BaseCount, MinLength, MaxLength, low, span, counts) { Reads = Reads?.Clone() };
        }

        /// <summary>
        /// Hands the storage back for the next run (see <see cref="RetainedArrays{T}"/>) and empties the histogram,
        /// which is then as small as a new one. Only for a histogram nothing will read again.
        /// </summary>
        internal void Release()
        {
            var old = _counts;
            _counts = new long[16 * ScoreCount];
            Clear();
            Reads = null;
            if (old.Length >= RetainedMinimumColumns * ScoreCount) RetainedArrays<long>.Return(old);
        }

        /// <summary>Smaller count arrays are cheap to allocate and are not kept.</summary>
        private const int RetainedMinimumColumns = 64;

        /// <summary>Empties the histogram for reuse by the next file, keeping its storage.</summary>
        public void Clear()
        {
            Array.Clear(_counts, 0, Math.Min(_counts.Length, _dirtyColumns * ScoreCount));
            _dirtyColumns = 0;
            Reads?.Clear();
            _shift = 0;
            ReadCount = 0;
            BaseCount = 0;
            MaxLength = 0;
            _minLength = int.MaxValue;
        }

        /// <summary>How many scores are at least <paramref name="score"/> (for the Q20 and Q30 fractions).</summary>
        public long CountAtLeast(int score)
        {
            long n = 0;
            int columns = Math.Min(ColumnCapacity, ColumnCount);
            for (int column = 0; column < columns; column++)
            {
                int from = column * ScoreCount;
                for (int s = score; s < ScoreCount; s++) n += _counts[from + s];
            }
            return n;
        }

        /// <summary>Sum of all scores, exactly, for the overall mean.</summary>
        public long ScoreSum()
        {
            long sum = 0;
            int columns = Math.Min(ColumnCapacity, ColumnCount);
            for (int column = 0; column < columns; column++)
            {
                int from = column * ScoreCount;
                for (int score = 1; score < ScoreCount; score++) sum += score * _counts[from + score];
            }
            return sum;
        }

        // Adds columns pairwise (2j, 2j+1 -> j) and doubles the bin width. In place: column j is written after
        // columns 2j and 2j+1 have been read, because j <= 2j.
        private void Coarsen()
        {
            int columns = ColumnCapacity;
            long[] counts = _counts;
            for (int j = 0; j < columns; j++)
            {
                int to = j * ScoreCount;
                int a = 2 * j * ScoreCount;
                int b = a + ScoreCount;
                bool hasA = 2 * j < columns;
                bool hasB = 2 * j + 1 < columns;
                for (int s = 0; s < ScoreCount; s++)
                {
                    long sum = (hasA ? counts[a + s] : 0) + (hasB ? counts[b + s] : 0);
                    counts[to + s] = sum;
                }
            }
            _shift++;
            _dirtyColumns = (_dirtyColumns + 1) / 2;
        }
    }

    /// <summary>Scores of one read, handed out in order (see <see cref="QualityHistogram.CountFrom"/>).</summary>
    internal interface IScoreSource
    {
        /// <summary>The next score, 0..93; false when the source has no more.</summary>
        bool TryNext(out int score);
    }
}
