using System;

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

        // Flat [column * ScoreCount + score]; long so that no realistic amount of data overflows.
        internal long[] Counts = new long[16 * ScoreCount];
        internal int Shift;

        public long ReadCount { get; private set; }
        public long BaseCount { get; private set; }
        /// <summary>Shortest read (0 when there are no reads).</summary>
        public int MinLength => ReadCount == 0 ? 0 : _minLength;
        public int MaxLength { get; private set; }
        public int BinWidth => 1 << Shift;
        internal int ColumnCapacity => Counts.Length / ScoreCount;

        private int _minLength = int.MaxValue;

        /// <summary>Makes room for positions 1..length, coarsening the bins if needed.</summary>
        public void EnsureLength(int length)
        {
            if (length <= 0) return;
            while (((length - 1) >> Shift) >= MaxColumns) Coarsen();
            int needed = ((length - 1) >> Shift) + 1;
            if (needed > ColumnCapacity)
            {
                int capacity = Math.Min(MaxColumns, Math.Max(needed, ColumnCapacity * 2));
                var grown = RetainedArrays<long>.Rent(capacity * ScoreCount);
                Array.Copy(Counts, grown, Counts.Length);
                var old = Counts;
                Counts = grown;
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
            Counts[(position >> Shift) * ScoreCount + score]++;
        }

        /// <summary>Count of a score in a column (a bin of <see cref="BinWidth"/> positions).</summary>
        public long GetCount(int column, int score) =>
            column < ColumnCapacity ? Counts[column * ScoreCount + score] : 0;

        /// <summary>Number of columns that hold data: ceil(MaxLength / BinWidth).</summary>
        public int ColumnCount => MaxLength == 0 ? 0 : ((MaxLength - 1) >> Shift) + 1;

        /// <summary>Adds another histogram. scoreShift is subtracted from its scores (31 turns Phred+33 indexes into Phred+64 scores).</summary>
        public void Add(QualityHistogram other, int scoreShift = 0)
        {
            if (other == null) throw new ArgumentNullException(nameof(other));
            if (other.ReadCount == 0 && other.MaxLength == 0)
            {
                return;
            }
            while (Shift < other.Shift) Coarsen();
            EnsureLength(other.MaxLength);
            int extraShift = Shift - other.Shift;
            int columns = Math.Min(other.ColumnCapacity, other.ColumnCount);
            long[] source = other.Counts;
            long[] target = Counts;
            for (int column = 0; column < columns; column++)
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
        /// Hands the storage back for the next run (see <see cref="RetainedArrays{T}"/>) and empties the histogram,
        /// which is then as small as a new one. Only for a histogram nothing will read again.
        /// </summary>
        internal void Release()
        {
            var old = Counts;
            Counts = new long[16 * ScoreCount];
            Clear();
            if (old.Length >= RetainedMinimumColumns * ScoreCount) RetainedArrays<long>.Return(old);
        }

        /// <summary>Smaller count arrays are cheap to allocate and are not kept.</summary>
        private const int RetainedMinimumColumns = 64;

        /// <summary>Empties the histogram for reuse by the next file, keeping its storage.</summary>
        public void Clear()
        {
            Array.Clear(Counts, 0, Counts.Length);
            Shift = 0;
            ReadCount = 0;
            BaseCount = 0;
            MaxLength = 0;
            _minLength = int.MaxValue;
        }

        /// <summary>Sum of all scores, exactly, for the overall mean.</summary>
        public long ScoreSum()
        {
            long sum = 0;
            int columns = Math.Min(ColumnCapacity, ColumnCount);
            for (int column = 0; column < columns; column++)
            {
                int from = column * ScoreCount;
                for (int score = 1; score < ScoreCount; score++) sum += score * Counts[from + score];
            }
            return sum;
        }

        /// <summary>Statistics of every column, 1-based positions as FastQC.</summary>
        public PositionQuality[] ToPositions(string name) => ToPositions(name, out _);

        /// <summary>The same, and <see cref="ScoreSum"/> from the same walk over the counts.</summary>
        internal PositionQuality[] ToPositions(string name, out long scoreSum)
        {
            int columns = ColumnCount;
            var rows = new PositionQuality[columns];
            scoreSum = 0;
            for (int c = 0; c < columns; c++)
            {
                var row = PositionStatistics.FromCounts(Counts, c * ScoreCount, ScoreCount, out long sum);
                scoreSum += sum;
                row.Name = name;
                row.Position = (c << Shift) + 1;
                row.EndPosition = Math.Min((c + 1) << Shift, MaxLength);
                rows[c] = row;
            }
            return rows;
        }

        // Adds columns pairwise (2j, 2j+1 -> j) and doubles the bin width. In place: column j is written after
        // columns 2j and 2j+1 have been read, because j <= 2j.
        private void Coarsen()
        {
            int columns = ColumnCapacity;
            long[] counts = Counts;
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
            Shift++;
        }
    }
}
