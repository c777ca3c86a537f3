using ParallelJobs.Statistics;

namespace ParallelJobs.Quality.Tests.Statistics;

/// <summary>
/// A worker's histogram is cleared and reused for file after file, and Clear empties only the columns written
/// since the last Clear: whatever a file wrote (a failed file's half-counted read included, binned columns, a
/// grown array) must be gone, and a file of short reads after one of long reads must not cost the long one's columns.
/// </summary>
public sealed class HistogramReuseTests
{
    private static unsafe void Count(QualityHistogram histogram, byte[] characters, int position)
    {
        fixed (byte* p = characters) Assert.Equal(characters.Length, histogram.CountCharacters(p, characters.Length, position, 0));
    }

    private static unsafe void CountFast(QualityHistogram histogram, byte[] characters)
    {
        fixed (byte* p = characters) Assert.True(histogram.TryCountCharacters(p, characters.Length, 0));
    }

    private static byte[] Quality(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (byte)random.Next(33, 127)).ToArray();
    }

    private static void AssertHolds(QualityHistogram histogram, params byte[][] reads)
    {
        var expected = new QualityHistogram();
        foreach (var read in reads)
        {
            for (int i = 0; i < read.Length; i++) expected.AddScore(i, read[i] - 33);
            expected.AddRead(read.Length);
        }
        QualityFiles.AssertSame(expected, histogram);
        // Nothing left beyond the reads, in any column the array has.
        for (int column = expected.ColumnCount; column < 4 * QualityHistogram.MaxColumns; column++)
            for (int score = 0; score < QualityHistogram.ScoreCount; score++)
                Assert.Equal(0, histogram.GetCount(column, score));
    }

    [Fact]
    public void AClearedHistogramHoldsOnlyWhatCameAfterIt()
    {
        var histogram = new QualityHistogram();
        // Failed files: one long read counted but never finished (no AddRead), by each way of counting, the second
        // into the room the first made.
        Count(histogram, Quality(3000, 1), 0);
        histogram.Clear();
        CountFast(histogram, Quality(1200, 2));
        histogram.Clear();
        var shortRead = Quality(150, 3);
        CountFast(histogram, shortRead);
        histogram.AddRead(shortRead.Length);
        AssertHolds(histogram, shortRead);

        // Binned columns (a read longer than MaxColumns), then exact ones again after the clear.
        histogram.Clear();
        var longRead = Quality(3 * QualityHistogram.MaxColumns, 4);
        Count(histogram, longRead, 0);
        histogram.AddRead(longRead.Length);
        Assert.True(histogram.BinWidth > 1);
        histogram.Clear();
        Assert.Equal(1, histogram.BinWidth);
        var next = Quality(900, 5);
        Count(histogram, next, 0);
        histogram.AddRead(next.Length);
        AssertHolds(histogram, next);
    }

    [Fact]
    public void AddingAFileOfShortReadsToAWideTotalAddsExactlyItsCounts()
    {
        var total = new QualityHistogram();
        var file = new QualityHistogram();
        var reads = new List<byte[]>();
        for (int f = 0; f < 20; f++)
        {
            file.Clear();
            var read = Quality(f % 2 == 0 ? 1100 : 40, 10 + f);
            Count(file, read, 0);
            file.AddRead(read.Length);
            total.Add(file);
            reads.Add(read);
        }
        AssertHolds(total, reads.ToArray());
    }
}
