using System.Text;
using ParallelJobs.Quality;
using ParallelJobs.Parsing;
using ParallelJobs.Quality.Tests.Quality;
using ParallelJobs.TestSupport;

namespace ParallelJobs.Quality.Tests.Parsing;

/// <summary>
/// A large plain file is read by several workers in byte ranges. Whatever the file holds, the result must be
/// exactly that of one worker reading it whole: the same numbers, or the same error at the same line. The
/// tests make the ranges tiny (MinimumRangeBytes), so that small random files are cut in many places.
/// </summary>
public sealed class SplitFileTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pj-split-" + Guid.NewGuid().ToString("N"));

    public SplitFileTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private sealed record Outcome(List<QualityDistribution> Results, List<QualityFileError> Errors, int InRanges, int WholeAgain);

    private static Outcome Run(string path, int workers, long minimumRangeBytes, int? phredOffset = null)
    {
        var options = new QualityRunOptions { ThrottleLimit = workers, MinimumRangeBytes = minimumRangeBytes, PhredOffset = phredOffset };
        var results = new List<QualityDistribution>();
        var errors = new List<QualityFileError>();
        using var run = new QualityDistributionRun(options);
        run.Add(QualityInput.FromPath(path, false));
        run.Complete();
        run.Events.Drain(e =>
        {
            if (e.Kind == QualityRunEventKind.Result) results.Add(e.Distribution!);
            else if (e.Kind == QualityRunEventKind.Error) errors.Add(e.Error!);
        }, untilDrained: true, TestContext.Current.CancellationToken);
        return new Outcome(results, errors, run.FilesReadInRanges, run.FilesReadWholeAfterRanges);
    }

    private static void AssertSame(Outcome whole, Outcome ranged, string context)
    {
        Assert.True(whole.Errors.Count == ranged.Errors.Count, context + ": error count");
        for (int i = 0; i < whole.Errors.Count; i++)
        {
            var (e, a) = (whole.Errors[i], ranged.Errors[i]);
            Assert.True((e.Kind, e.Line, e.Message, e.RecordsBeforeError) == (a.Kind, a.Line, a.Message, a.RecordsBeforeError),
                $"{context}: whole read says line {e.Line}: {e.Message}; in ranges line {a.Line}: {a.Message}");
        }
        Assert.Equal(whole.Results.Count, ranged.Results.Count);
        for (int i = 0; i < whole.Results.Count; i++)
        {
            QualityDistributionRunTests.AssertSameNumbers(whole.Results[i], ranged.Results[i]);
            Assert.Equal(whole.Results[i].PhredOffset, ranged.Results[i].PhredOffset);
            Assert.Equal(whole.Results[i].FileCount, ranged.Results[i].FileCount);
        }
    }

    [Fact]
    public void RandomFastqFilesGiveInRangesExactlyWhatAWholeReadGives()
    {
        var random = new Random(4711);
        int inRanges = 0, wholeAgain = 0;
        string path = Path.Combine(_root, "random.fastq");
        for (int doc = 0; doc < 150; doc++)
        {
            File.WriteAllBytes(path, RandomFastq.Document(random));
            int? offset = random.Next(8) == 0 ? 64 : null;
            var whole = Run(path, 1, QualityFileReader.MinimumRangeBytes, offset);
            Assert.Equal(0, whole.InRanges + whole.WholeAgain);
            long range = random.Next(40, 3000);
            var ranged = Run(path, 3, range, offset);
            AssertSame(whole, ranged, $"document {doc}, ranges of {range} bytes");
            inRanges += ranged.InRanges;
            wholeAgain += ranged.WholeAgain;
        }
        // Both ways out of a split were taken, each by at least one document in ten: ranges that fit together, and
        // whole reads after ranges that did not.
        Assert.InRange(inRanges, 15, 150);
        Assert.InRange(wholeAgain, 15, 150);
    }

    [Fact]
    public void RandomQualFilesGiveInRangesExactlyWhatAWholeReadGives()
    {
        var random = new Random(99);
        string path = Path.Combine(_root, "random.qual");
        int inRanges = 0;
        for (int doc = 0; doc < 80; doc++)
        {
            var text = new StringBuilder(random.Next(3) == 0 ? "preamble 1 2 3\n" : "");
            int records = random.Next(0, 80);
            for (int r = 0; r < records; r++)
            {
                text.Append(">r").Append(r).Append(random.Next(10) == 0 ? "\r\n" : "\n");
                int length = random.Next(0, 200);
                for (int i = 0; i < length; i++)
                    text.Append(random.Next(0, 94)).Append(i % 25 == 24 || i == length - 1 ? "\n" : random.Next(15) == 0 ? "\t" : " ");
            }
            if (records > 0 && random.Next(4) == 0) text.Insert(random.Next(text.Length), random.Next(2) == 0 ? "x" : "\n>");
            File.WriteAllText(path, text.ToString());
            var whole = Run(path, 1, QualityFileReader.MinimumRangeBytes);
            long range = random.Next(30, 2000);
            var ranged = Run(path, 4, range);
            AssertSame(whole, ranged, $"document {doc}, ranges of {range} bytes");
            inRanges += ranged.InRanges;
        }
        Assert.InRange(inRanges, 20, 80);
    }

    [Theory]
    // 150 bp reads in ranges of 16 KB.
    [InlineData(3000, 150, 16 << 10)]
    // Reads of 1.2 Mbp (lines longer than the 1 MB buffer) in ranges of about 3 MB: finding a record start
    // streams through lines of any length.
    [InlineData(8, 1_200_000, 3_000_000)]
    public void ACleanFileIsReadInRangesWithoutASecondRead(int reads, int readLength, long rangeBytes)
    {
        string path = Path.Combine(_root, "clean.fastq");
        QualDataSetGenerator.WriteFastq(path, 17, reads, readLength);
        var whole = Run(path, 1, QualityFileReader.MinimumRangeBytes);
        var ranged = Run(path, 4, rangeBytes);
        Assert.Equal(1, ranged.InRanges);
        Assert.Equal(0, ranged.WholeAgain);
        AssertSame(whole, ranged, $"{reads} reads of {readLength}");
        Assert.Equal(reads, ranged.Results[0].ReadCount);
    }

    [Fact]
    public void CancellingWhileRangesAreReadEndsTheRunWithoutAResult()
    {
        string path = Path.Combine(_root, "big.fastq");
        QualDataSetGenerator.WriteFastq(path, 21, 20000, 150);
        var options = new QualityRunOptions { ThrottleLimit = 3, MinimumRangeBytes = 16 << 10 };
        using var run = new QualityDistributionRun(options);
        run.Add(QualityInput.FromPath(path, false));
        run.Complete();
        int results = 0;
        void Count(QualityRunEvent e)
        {
            if (e.Kind == QualityRunEventKind.Result) results++;
        }
        // Cancel once a range has been read (progress counts its bytes), while the others are being read (or
        // already read). No event says so: the progress snapshot is asked for between short waits for events.
        while (run.GetProgress().BytesCompleted == 0 && !run.Events.IsCompleted)
            if (run.Events.TryTake(out var e, 10, TestContext.Current.CancellationToken)) Count(e!);
        run.Cancel();
        run.Events.Drain(Count, untilDrained: true, TestContext.Current.CancellationToken);
        Assert.True(run.Events.IsDrained);
        Assert.InRange(results, 0, 1);
        Assert.Equal(0, run.FilesReadWholeAfterRanges);
    }

    [Fact]
    public void GzipFilesAndOneWorkerAreNeverSplit()
    {
        string path = Path.Combine(_root, "clean.fastq.gz");
        QualDataSetGenerator.WriteFastq(path, 18, 2000, 150);
        var ranged = Run(path, 4, 1024);
        Assert.Equal(0, ranged.InRanges + ranged.WholeAgain);
        Assert.Equal(2000, ranged.Results[0].ReadCount);
        string plain = Path.Combine(_root, "plain.fastq");
        QualDataSetGenerator.WriteFastq(plain, 18, 2000, 150);
        var one = Run(plain, 1, 1024);
        Assert.Equal(0, one.InRanges + one.WholeAgain);
    }
}
