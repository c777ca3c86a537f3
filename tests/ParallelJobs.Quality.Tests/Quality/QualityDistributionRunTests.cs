using ParallelJobs.Quality;
using static ParallelJobs.Quality.Tests.TestPaths;
using ParallelJobs.Parsing;
using ParallelJobs.Statistics;
using ParallelJobs.TestSupport;

namespace ParallelJobs.Quality.Tests.Quality;

public sealed class QualityDistributionRunTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pj-quality-" + Guid.NewGuid().ToString("N"));

    public QualityDistributionRunTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static QualityRunSummary Compute(IEnumerable<QualityInput> inputs, int throttle, bool merge = false) =>
        QualityDistributionRun.Compute(inputs, new QualityRunOptions { ThrottleLimit = throttle, Merge = merge });

    internal static void AssertSameNumbers(QualityDistribution expected, QualityDistribution actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.FileCount, actual.FileCount);
        Assert.Equal(expected.FailedFileCount, actual.FailedFileCount);
        Assert.Equal(expected.ReadCount, actual.ReadCount);
        Assert.Equal(expected.BaseCount, actual.BaseCount);
        Assert.Equal(expected.MinLength, actual.MinLength);
        Assert.Equal(expected.MaxLength, actual.MaxLength);
        Assert.Equal(expected.MeanQuality, actual.MeanQuality);
        Assert.Equal(expected.BinWidth, actual.BinWidth);
        Assert.Equal(expected.Positions.Length, actual.Positions.Length);
        for (int i = 0; i < expected.Positions.Length; i++)
        {
            var e = expected.Positions[i];
            var a = actual.Positions[i];
            Assert.Equal((e.Position, e.EndPosition, e.Count, e.Mean, e.Median, e.LowerQuartile, e.UpperQuartile, e.Percentile10, e.Percentile90, e.Minimum, e.Maximum),
                         (a.Position, a.EndPosition, a.Count, a.Mean, a.Median, a.LowerQuartile, a.UpperQuartile, a.Percentile10, a.Percentile90, a.Minimum, a.Maximum));
        }
    }

    [Fact]
    public void OneAndEightWorkersGiveIdenticalNumbersOnTheGeneratedSeedDataSet()
    {
        string[] directories = QualDataSetGenerator.Write(_root, seed: 3, filesPerDirectory: 6, readsPerFile: 40);
        Assert.Equal(12, directories.Length);
        Assert.Equal("t1_1", Path.GetFileName(directories[0]));
        Assert.Equal("t6_2", Path.GetFileName(directories[11]));
        var inputs = directories.Select(d => QualityInput.FromPath(d, false)).ToList();

        var serial = Compute(inputs, 1).Distributions.OrderBy(d => d.Name).ToList();
        var parallel = Compute(inputs, 8).Distributions.OrderBy(d => d.Name).ToList();
        Assert.Equal(12, serial.Count);
        Assert.Equal(12, parallel.Count);
        for (int i = 0; i < serial.Count; i++)
        {
            AssertSameNumbers(serial[i], parallel[i]);
            Assert.Equal(6, serial[i].FileCount);
            Assert.Equal(240, serial[i].ReadCount);
            Assert.Equal(Environment.ProcessId, parallel[i].ProcessId);
            Assert.InRange(parallel[i].Slot, 0, 7);
            Assert.All(parallel[i].Slots, s => Assert.InRange(s, 0, 7));
            Assert.Equal(new[] { 0 }, serial[i].Slots);
        }
        // Treatment 1 is generated with better quality than treatment 6.
        Assert.True(serial[0].MeanQuality > serial[11].MeanQuality);

        var merged1 = Assert.Single(Compute(inputs, 1, merge: true).Distributions);
        var merged8 = Assert.Single(Compute(inputs, 8, merge: true).Distributions);
        AssertSameNumbers(merged1, merged8);
        Assert.Equal(72, merged1.FileCount);
        Assert.Equal(serial.Sum(d => d.BaseCount), merged1.BaseCount);
    }

    [Fact]
    public void RunsInARowGiveTheSameNumbersAlthoughTheyReuseTheirStorage()
    {
        // Histogram storage and read buffers are kept between runs (RetainedArrays). A run whose file fails in
        // the middle of a long read leaves counts beyond the last whole read; none of it may reach the next run.
        string[] directories = QualDataSetGenerator.Write(_root, seed: 5, filesPerDirectory: 2, readsPerFile: 30);
        var inputs = directories.Select(d => QualityInput.FromPath(d, false)).ToList();
        var first = Compute(inputs, 2).Distributions.OrderBy(d => d.Name).ToList();

        string bad = Path.Combine(_root, "bad");
        Directory.CreateDirectory(bad);
        string longRead = new string('I', 3000);
        File.WriteAllText(Path.Combine(bad, "cut.fastq"), "@r1\n" + new string('A', 3000) + "\n+\n" + longRead + "\n@r2\n" + new string('A', 3500) + "\n+\n" + new string('I', 3400) + "\n");
        var failed = Compute(new[] { QualityInput.FromPath(bad, false) }, 1);
        Assert.Single(failed.Errors);

        for (int round = 0; round < 3; round++)
        {
            var again = Compute(inputs, round + 1).Distributions.OrderBy(d => d.Name).ToList();
            Assert.Equal(first.Count, again.Count);
            for (int i = 0; i < first.Count; i++) AssertSameNumbers(first[i], again[i]);
        }
    }

    [Fact]
    public void GeneratorIsDeterministic()
    {
        string a = Path.Combine(_root, "a"), b = Path.Combine(_root, "b");
        QualDataSetGenerator.Write(a, 11, 2, 5);
        QualDataSetGenerator.Write(b, 11, 2, 5);
        foreach (string file in Directory.GetFiles(a, "*.qual", SearchOption.AllDirectories))
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(file.Replace(a, b)));
        string fastq = Path.Combine(_root, "g.fastq.gz");
        QualDataSetGenerator.WriteFastq(fastq, 5, 100, 150, 64);
        var (histogram, scan) = QualityFiles.Read(fastq);
        Assert.Equal(100, histogram.ReadCount);
        Assert.Equal(64, scan.PhredOffset);
    }

    [Fact]
    public void OneAndEightWorkersAgreeOnRealFilesToo()
    {
        string folder = ThirdParty(BiopythonQuality);
        var inputs = new[] { QualityInput.FromPath(folder, false), QualityInput.FromPath(ThirdParty(BioperlData + "dbqual"), false) };
        var one = Compute(inputs, 1);
        var eight = Compute(inputs, 8);
        var a = one.Distributions.OrderBy(d => d.Name).ToList();
        var b = eight.Distributions.OrderBy(d => d.Name).ToList();
        Assert.Equal(2, a.Count);
        for (int i = 0; i < a.Count; i++) AssertSameNumbers(a[i], b[i]);
        Assert.Equal(one.Errors.Count, eight.Errors.Count);
        Assert.Equal(a.Sum(d => d.FailedFileCount), one.Errors.Count);
    }

    [Fact]
    public void BadFileContributesNothingAndIsReportedWithItsLine()
    {
        var good = QualityInput.FromPath(Fixture("dirs", "run_a"), false);
        var mixed = QualityInput.FromPath(Fixture("dirs", "run_b"), false);
        Assert.Equal(2, mixed.Files.Count); // notes.txt is not a quality file
        var summary = Compute(new[] { good, mixed }, 2);
        var error = Assert.Single(summary.Errors);
        Assert.Equal(QualityErrorKind.InvalidFile, error.Kind);
        Assert.EndsWith("b2_bad.fastq", error.Path);
        Assert.Equal(5, error.Line);
        Assert.Contains("shorter", error.Message);

        var b = summary.Distributions.Single(d => d.Name == "run_b");
        Assert.Equal(2, b.FileCount);
        Assert.Equal(1, b.FailedFileCount);
        Assert.Equal(1, b.ReadCount);       // only b1.qual: 40 40 40
        Assert.Equal(40.0, b.MeanQuality);
        Assert.Null(b.PhredOffset);

        var a = summary.Distributions.Single(d => d.Name == "run_a");
        Assert.Equal(3, a.ReadCount);
        Assert.Equal(0, a.FailedFileCount);
        Assert.Equal(33, a.PhredOffset);
        Assert.Equal(3, a.Positions[0].Count);
    }

    [Fact]
    public void EveryMustFailFileFailsInARunAndOthersStillCount()
    {
        string folder = ThirdParty(BiopythonQuality);
        var input = QualityInput.FromPath(folder, false);
        var summary = Compute(new[] { input }, 4);
        var result = Assert.Single(summary.Distributions);
        var failed = summary.Errors.Select(e => Path.GetFileName(e.Path)).ToHashSet();
        foreach (string file in Directory.GetFiles(folder, "error_*.fastq"))
            Assert.Contains(Path.GetFileName(file), failed);
        Assert.All(summary.Errors, e => Assert.True(e.Line > 0 || e.Message.Length > 0));
        Assert.Equal(summary.Errors.Count, result.FailedFileCount);
        Assert.True(result.ReadCount > 0);
    }

    [Fact]
    public void DirectoryWithoutQualityFilesIsAnErrorAndGivesNoResult()
    {
        string empty = Path.Combine(_root, "nothing");
        Directory.CreateDirectory(empty);
        File.WriteAllText(Path.Combine(empty, "readme.txt"), "x");
        var summary = Compute(new[] { QualityInput.FromPath(empty, false) }, 2);
        Assert.Empty(summary.Distributions);
        Assert.Equal(QualityErrorKind.NoQualityFiles, Assert.Single(summary.Errors).Kind);
        Assert.Throws<FileNotFoundException>(() => QualityInput.FromPath(Path.Combine(_root, "missing"), false));
    }

    [Fact]
    public void RecurseFindsFilesInSubdirectories()
    {
        string top = Path.Combine(_root, "top");
        Directory.CreateDirectory(Path.Combine(top, "sub"));
        File.Copy(Fixture("small.qual"), Path.Combine(top, "sub", "x.qual"));
        Assert.Empty(QualityInput.FromPath(top, false).Files);
        Assert.Single(QualityInput.FromPath(top, true).Files);
    }

    [Fact]
    public void EmptyFileIsValidWithZeroReads()
    {
        var summary = Compute(new[] { QualityInput.FromPath(Fixture("empty.fastq"), false) }, 1);
        var result = Assert.Single(summary.Distributions);
        Assert.Empty(summary.Errors);
        Assert.Equal(0, result.ReadCount);
        Assert.Empty(result.Positions);
    }

    [Fact]
    public void CancellationEndsTheRunWithoutResults()
    {
        QualDataSetGenerator.Write(_root, 1, 2, 20);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        var inputs = Directory.GetDirectories(_root).Select(d => QualityInput.FromPath(d, false));
        Assert.ThrowsAny<OperationCanceledException>(() =>
            QualityDistributionRun.Compute(inputs, new QualityRunOptions { ThrottleLimit = 2 }, cancellation.Token));
    }

    [Fact]
    public async Task CancelAndDispose_ReturnWhileAWorkerIsStuckInAReadNoTokenCanInterrupt()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Skip("needs mkfifo");
        // A FIFO with no writer: opening it blocks in the kernel, as a file on a hung network share would.
        string dir = Path.Combine(_root, "stuck");
        Directory.CreateDirectory(dir);
        string fifo = Path.Combine(dir, "stuck.fastq");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", new[] { fifo })) mk!.WaitForExit();
        try
        {
            var run = new QualityDistributionRun(new QualityRunOptions { ThrottleLimit = 1 });
            run.Add(QualityInput.FromPath(dir, false));
            run.Complete();
            run.Events.TryTake(out _, 200, TestContext.Current.CancellationToken);
            var stop = Task.Run(() => { run.Cancel(); run.Dispose(); }, TestContext.Current.CancellationToken);
            // A hang check, not a timing target: Ctrl+C must not wait for the stuck read.
            var first = await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
            Assert.True(first == stop, "Dispose waited for a worker stuck in open()");
        }
        finally
        {
            // Let the stuck worker go: opening the FIFO read-write never blocks (even if the worker never got
            // to open it) and gives a stuck open() its writer; closing it gives the read end of file.
            using var writer = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
    }

    [Fact]
    public void TwoMegabaseReadNeedsBoundedMemory()
    {
        const int length = 2_000_000;
        string path = Path.Combine(_root, "nanopore.fastq");
        using (var writer = new StreamWriter(path))
        {
            writer.Write("@long\n");
            writer.Write(new string('A', length));
            writer.Write("\n+\n");
            var quality = new char[length];
            for (int i = 0; i < length; i++) quality[i] = (char)(33 + (i / 1000) % 40);
            writer.Write(quality);
            writer.Write('\n');
        }
        var histogram = new QualityHistogram();
        var buffer = new byte[QualityFileReader.BufferSize];
        long before = GC.GetAllocatedBytesForCurrentThread();
        var scan = QualityFileReader.Read(path, histogram, buffer, null, CancellationToken.None);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(1, scan.Records);
        Assert.Equal(length, histogram.MaxLength);
        Assert.Equal(512, histogram.BinWidth);
        Assert.True(histogram.ColumnCount <= QualityHistogram.MaxColumns);
        // Histogram at most 4096 x 94 longs (3 MB) plus its growth steps; nothing proportional to the read.
        Assert.True(allocated < 8 * 1024 * 1024, "allocated " + allocated + " bytes");
        var rows = PositionQuality.Rows(histogram.ToCounts(), "long", out _);
        Assert.Equal(length, rows.Sum(r => r.Count));
        Assert.Equal(1, rows[0].Position);
        Assert.Equal(512, rows[0].EndPosition);
    }

    [Fact]
    public void UnreadableFileIsReportedAndTheOthersStillCount()
    {
        string missing = Path.Combine(_root, "vanished.qual");
        var input = new QualityInput("mixed", _root, new[] { Fixture("small.qual"), missing }, isDirectory: true);
        var summary = Compute(new[] { input }, 2);
        var error = Assert.Single(summary.Errors);
        Assert.Equal(QualityErrorKind.UnreadableFile, error.Kind);
        Assert.Equal(missing, error.Path);
        var result = Assert.Single(summary.Distributions);
        Assert.Equal(1, result.FailedFileCount);
        Assert.Equal(3, result.ReadCount);
    }

    [Fact]
    public void CancelStopsARunningRunAndItFinishes()
    {
        QualDataSetGenerator.Write(_root, 2, 20, 200);
        var inputs = Directory.GetDirectories(_root).Select(d => QualityInput.FromPath(d, false)).ToList();
        using var run = new QualityDistributionRun(new QualityRunOptions { ThrottleLimit = 2 });
        foreach (var input in inputs) run.Add(input);
        run.Complete();
        run.Cancel();
        int results = 0;
        run.Events.Drain(e =>
        {
            if (e.Kind == QualityRunEventKind.Result) results++;
        }, untilDrained: true, TestContext.Current.CancellationToken);
        // The run ends (no hang) and no result is emitted after the workers saw the cancellation.
        Assert.True(run.Events.IsDrained);
        Assert.InRange(results, 0, inputs.Count);
    }

    /// <summary>
    /// An input's result comes as soon as its files are read, not when the run is complete: Get-QualityDistribution
    /// fed slowly from the pipeline shows each directory as it is done. (A worker that kept its counts until it
    /// moved on to another input, as was tried for row 3 of the benchmark, would have to hand them in before
    /// it waits for more work.)
    /// </summary>
    [Fact]
    public void AnInputsResultComesWhileTheRunStillWaitsForMoreInputs()
    {
        string[] directories = QualDataSetGenerator.Write(_root, seed: 5, filesPerDirectory: 5, readsPerFile: 30);
        var first = QualityInput.FromPath(directories[0], false);
        var second = QualityInput.FromPath(directories[1], false);
        var alone = Compute(new[] { first, second }, 1).Distributions.OrderBy(d => d.Name).ToList();

        using var run = new QualityDistributionRun(new QualityRunOptions { ThrottleLimit = 2 });
        QualityDistribution NextResult()
        {
            // A generous bound that only a lost result reaches: the run is not complete, so a result held back
            // until then would never come.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                if (!run.Events.TryTake(out var e, 1000, TestContext.Current.CancellationToken)) continue;
                if (e!.Kind == QualityRunEventKind.Result) return e.Distribution!;
                Assert.NotEqual(QualityRunEventKind.Error, e.Kind);
            }
            throw new Xunit.Sdk.XunitException("no result came for an input whose files were all read");
        }

        run.Add(first);
        AssertSameNumbers(alone[0], NextResult());
        run.Add(second);
        AssertSameNumbers(alone[1], NextResult());
        run.Complete();
        run.Events.Drain(e => Assert.NotEqual(QualityRunEventKind.Result, e.Kind), untilDrained: true, TestContext.Current.CancellationToken);
    }

    [Fact]
    public void ProgressCountsEveryFile()
    {
        var inputs = new[] { QualityInput.FromPath(Fixture("dirs", "run_a"), false), QualityInput.FromPath(Fixture("dirs", "run_b"), false) };
        using var run = new QualityDistributionRun(new QualityRunOptions { ThrottleLimit = 2 });
        foreach (var input in inputs) run.Add(input);
        run.Complete();
        run.Events.Drain(_ => { }, untilDrained: true, TestContext.Current.CancellationToken);
        var last = run.GetProgress();
        Assert.Equal("files", last.Unit);
        Assert.Equal(4, last.Total);
        Assert.Equal(4, last.Completed);
        Assert.Equal(1, last.Failed);
        Assert.Equal(0, last.Running);
        Assert.True(last.InputComplete);
        Assert.True(last.BytesTotal > 0);
        Assert.Equal(last.BytesTotal, last.BytesCompleted);
        Assert.Equal(100, last.PercentComplete);
    }
}
