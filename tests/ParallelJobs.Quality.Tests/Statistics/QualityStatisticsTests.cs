using ParallelJobs.Quality;
using ParallelJobs.Statistics;

namespace ParallelJobs.Quality.Tests.Statistics;

public class QualityStatisticsTests
{
    // Brute force over the sorted list of scores: FastQC's rule, the first score whose cumulative count reaches
    // N·p/100 truncated to a whole number (at least 1, so that it is a score that occurs): the score at 1-based
    // rank max(1, floor(N·p/100)).
    private static int BrutePercentile(List<int> sorted, int percent)
    {
        long rank = Math.Max(1, (long)sorted.Count * percent / 100);
        return sorted[(int)rank - 1];
    }

    [Fact]
    public void PercentilesTruncateNTimesPOver100AsFastQcDoes()
    {
        // 15 distinct scores 10..24: N·p/100 is 1.5, 3.75, 7.5, 11.25 and 13.5. FastQC (QualityCount.getPercentile)
        // truncates these to 1, 3, 7, 11 and 13 and answers the first score whose cumulative count reaches that:
        // the scores of rank 1, 3, 7, 11, 13. Rounding up instead would answer ranks 2, 4, 8, 12, 14.
        var counts = new long[QualityHistogram.ScoreCount];
        for (int s = 10; s <= 24; s++) counts[s] = 1;
        var row = PositionQuality.FromCounts(counts);
        Assert.Equal((10, 12, 16, 20, 22), (row.Percentile10, row.LowerQuartile, row.Median, row.UpperQuartile, row.Percentile90));
        Assert.Equal(10, PositionStatistics.Percentile(counts, 15, 10));
        Assert.Equal(16, PositionStatistics.Percentile(counts, 15, 50));

        // Repeated scores: 1 read of 5 and 14 of 30. The 10th percentile's target is floor(1.5) = 1, reached at 5.
        counts = new long[QualityHistogram.ScoreCount];
        counts[5] = 1;
        counts[30] = 14;
        row = PositionQuality.FromCounts(counts);
        Assert.Equal((5, 30, 30, 30, 30), (row.Percentile10, row.LowerQuartile, row.Median, row.UpperQuartile, row.Percentile90));

        // N·p/100 whole: 20 scores 10..29, the 10th percentile is the score of rank 2 under either rule.
        counts = new long[QualityHistogram.ScoreCount];
        for (int s = 10; s <= 29; s++) counts[s] = 1;
        row = PositionQuality.FromCounts(counts);
        Assert.Equal((11, 14, 19, 24, 27), (row.Percentile10, row.LowerQuartile, row.Median, row.UpperQuartile, row.Percentile90));
    }

    [Fact]
    public void WhereFastQcsTargetIsZeroTheLowestScoreThatOccursIsAnswered()
    {
        // N·p < 100 (here N = 3, p = 10 and 25): FastQC's target is 0, which its loop "reaches" at score 0 whether
        // or not a 0 was seen (it prints NaN for positions of 100 or fewer scores, so this is never shown). Here the
        // target is at least 1: the lowest score that occurs.
        var counts = new long[QualityHistogram.ScoreCount];
        counts[20] = 1;
        counts[30] = 1;
        counts[40] = 1;
        var row = PositionQuality.FromCounts(counts);
        Assert.Equal((20, 20, 20, 30, 30), (row.Percentile10, row.LowerQuartile, row.Median, row.UpperQuartile, row.Percentile90));
    }

    [Fact]
    public void StatisticsMatchBruteForceOnRandomData()
    {
        var random = new Random(12345);
        for (int trial = 0; trial < 300; trial++)
        {
            int n = trial < 20 ? trial + 1 : random.Next(1, 2000);
            int low = random.Next(0, 94);
            int high = random.Next(low, 94);
            var scores = new List<int>();
            var counts = new long[QualityHistogram.ScoreCount];
            for (int i = 0; i < n; i++)
            {
                int s = random.Next(low, high + 1);
                scores.Add(s);
                counts[s]++;
            }
            scores.Sort();
            var row = PositionQuality.FromCounts(counts);
            Assert.Equal(n, row.Count);
            Assert.Equal(scores.Average(), row.Mean, 9);
            Assert.Equal(scores[0], row.Minimum);
            Assert.Equal(scores[^1], row.Maximum);
            Assert.Equal(BrutePercentile(scores, 10), row.Percentile10);
            Assert.Equal(BrutePercentile(scores, 25), row.LowerQuartile);
            Assert.Equal(BrutePercentile(scores, 50), row.Median);
            Assert.Equal(BrutePercentile(scores, 75), row.UpperQuartile);
            Assert.Equal(BrutePercentile(scores, 90), row.Percentile90);
        }
    }

    // The same rule on counts, in decimal: for counts too large to list (up to 10^18 at one position).
    private static int ExactPercentile(long[] counts, int percent)
    {
        decimal total = counts.Sum(c => (decimal)c), cumulative = 0;
        decimal target = Math.Max(1, decimal.Floor(total * percent / 100));
        for (int s = 0; s < counts.Length; s++)
        {
            cumulative += counts[s];
            if (counts[s] != 0 && cumulative >= target) return s;
        }
        throw new InvalidOperationException("no score");
    }

    [Fact]
    public void SparseAndHugeCountsMatchAnExactReference()
    {
        var random = new Random(99);
        foreach (long scale in new[] { 1L, 1000L, 1L << 40, long.MaxValue / 100 / 94, long.MaxValue / 100 + 1, long.MaxValue / 94 })
        {
            for (int trial = 0; trial < 200; trial++)
            {
                // A few scores that occur, anywhere in 0..93, with gaps between them; sometimes only one.
                var counts = new long[QualityHistogram.ScoreCount];
                int occurring = random.Next(1, 8);
                for (int i = 0; i < occurring; i++) counts[random.Next(QualityHistogram.ScoreCount)] = Math.Max(1, (long)(random.NextDouble() * scale));
                var histogram = new QualityHistogram();
                for (int s = 0; s < counts.Length; s++) histogram.AddScore(0, s, counts[s]);
                histogram.AddRead(1);
                var row = PositionQuality.Rows(histogram.ToCounts(), "x", out long sum)[0];
                string context = $"scale {scale}, trial {trial}: {string.Join(",", counts.Select((c, s) => (c, s)).Where(x => x.c != 0).Select(x => x.s + "x" + x.c))}";
                Assert.True(ExactPercentile(counts, 10) == row.Percentile10, context);
                Assert.True(ExactPercentile(counts, 25) == row.LowerQuartile, context);
                Assert.True(ExactPercentile(counts, 50) == row.Median, context);
                Assert.True(ExactPercentile(counts, 75) == row.UpperQuartile, context);
                Assert.True(ExactPercentile(counts, 90) == row.Percentile90, context);
                if (counts.Sum(c => (decimal)c) <= long.MaxValue / 94)
                    Assert.Equal(histogram.ScoreSum(), sum);
            }
        }
    }

    [Fact]
    public void SingleScoreIsItsOwnMedianAndPercentiles()
    {
        var counts = new long[QualityHistogram.ScoreCount];
        counts[30] = 1;
        var row = PositionQuality.FromCounts(counts);
        Assert.Equal(30, row.Median);
        Assert.Equal(30, row.Percentile10);
    }

    [Fact]
    public void HistogramPositionsMatchBruteForcePerPosition()
    {
        var random = new Random(7);
        var histogram = new QualityHistogram();
        var byPosition = new Dictionary<int, List<int>>();
        for (int read = 0; read < 500; read++)
        {
            int length = random.Next(0, 120);
            for (int p = 0; p < length; p++)
            {
                int s = random.Next(0, 94);
                histogram.AddScore(p, s);
                if (!byPosition.TryGetValue(p, out var list)) byPosition[p] = list = new List<int>();
                list.Add(s);
            }
            histogram.AddRead(length);
        }
        var rows = PositionQuality.Rows(histogram.ToCounts(), "random", out _);
        Assert.Equal(histogram.MaxLength, rows.Length);
        for (int p = 0; p < rows.Length; p++)
        {
            var sorted = byPosition[p].OrderBy(x => x).ToList();
            Assert.Equal(p + 1, rows[p].Position);
            Assert.Equal(p + 1, rows[p].EndPosition);
            Assert.Equal("random", rows[p].Name);
            Assert.Equal(sorted.Count, rows[p].Count);
            Assert.Equal(sorted.Average(), rows[p].Mean, 9);
            Assert.Equal(BrutePercentile(sorted, 50), rows[p].Median);
            Assert.Equal(BrutePercentile(sorted, 25), rows[p].LowerQuartile);
            Assert.Equal(BrutePercentile(sorted, 90), rows[p].Percentile90);
        }
    }

    [Fact]
    public void MergeIsExactWhateverTheSplitIncludingCoarsenedBins()
    {
        var random = new Random(99);
        var reads = new List<int[]>();
        for (int i = 0; i < 300; i++)
        {
            // Mostly short reads, a few that force coarsening (up to 40 000 positions -> bin width 16).
            int length = i % 50 == 7 ? random.Next(5000, 40000) : random.Next(0, 300);
            var scores = new int[length];
            for (int p = 0; p < length; p++) scores[p] = random.Next(0, 94);
            reads.Add(scores);
        }

        QualityHistogram Build(IEnumerable<int[]> subset)
        {
            var h = new QualityHistogram();
            foreach (var r in subset)
            {
                for (int p = 0; p < r.Length; p++) h.AddScore(p, r[p]);
                h.AddRead(r.Length);
            }
            return h;
        }

        var whole = Build(reads);
        Assert.Equal(16, whole.BinWidth);
        Assert.True(whole.ColumnCount <= QualityHistogram.MaxColumns);
        foreach (int parts in new[] { 2, 3, 7, 300 })
        {
            var merged = new QualityHistogram();
            for (int k = 0; k < parts; k++)
                merged.Add(Build(reads.Where((_, i) => i % parts == k)));
            QualityFiles.AssertSame(whole, merged);
            // Merging in the other order gives the same too.
            var reversed = new QualityHistogram();
            for (int k = parts - 1; k >= 0; k--)
                reversed.Add(Build(reads.Where((_, i) => i % parts == k)));
            QualityFiles.AssertSame(whole, reversed);
        }

        // Bins say which positions they cover.
        var rows = PositionQuality.Rows(whole.ToCounts(), "bins", out _);
        Assert.Equal(1, rows[0].Position);
        Assert.Equal(16, rows[0].EndPosition);
        Assert.Equal(17, rows[1].Position);
        Assert.Equal(whole.MaxLength, rows[^1].EndPosition);
        long total = 0;
        foreach (var row in rows) total += row.Count;
        Assert.Equal(whole.BaseCount, total);
    }

    [Fact]
    public void BinWidthIsTheSmallestPowerOfTwoThatFits()
    {
        foreach (var (length, width) in new[] { (4096, 1), (4097, 2), (8192, 2), (8193, 4), (2_000_000, 512) })
        {
            var h = new QualityHistogram();
            h.EnsureLength(length);
            Assert.Equal(width, h.BinWidth);
        }
    }
}
