using System.Text;
using ParallelJobs.Quality;

namespace ParallelJobs.Quality.Tests.Quality;

/// <summary>Results come in the order of the inputs, whatever order the workers finish them in.</summary>
public sealed class QualityResultOrderTests : IDisposable
{
    private readonly TempDir _temp = new TempDir();

    public void Dispose() => _temp.Dispose();

    private string Fastq(string name, int reads, int length)
    {
        var text = new StringBuilder();
        for (int r = 0; r < reads; r++)
            text.Append("@r").Append(r).Append('\n').Append('A', length).Append("\n+\n").Append((char)('#' + r % 30), length).Append('\n');
        string path = _temp.Combine(name);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    [Fact]
    public void ResultsComeInInputOrderWhenTheFirstInputFinishesLast()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Skip("needs mkfifo");
        // The first input is a FIFO: its worker waits in open() until this test writes it, so every other input
        // is certainly finished first; that is seen on the run's own progress events, not guessed from time.
        string fifo = _temp.Combine("first.fastq");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", new[] { fifo })) mk!.WaitForExit();
        var random = new Random(5);
        var inputs = new List<QualityInput> { QualityInput.FromPath(fifo, false) };
        for (int i = 1; i <= 14; i++)
        {
            // Sizes from 1 read to 4000, shuffled, so the others finish in no particular order either; and a
            // directory without quality files in the middle, which has no result and must not hold up the rest.
            if (i == 7)
            {
                Directory.CreateDirectory(_temp.Combine("empty"));
                inputs.Add(QualityInput.FromPath(_temp.Combine("empty"), false));
                continue;
            }
            inputs.Add(QualityInput.FromPath(Fastq("input" + i + ".fastq", random.Next(2) == 0 ? random.Next(1, 20) : random.Next(1000, 4000), 100), false));
        }
        int otherFiles = inputs.Skip(1).Sum(input => input.Files.Count);

        bool released = false;
        try
        {
            using var run = new QualityDistributionRun(new QualityRunOptions { ThrottleLimit = 3 });
            foreach (var input in inputs) run.Add(input);
            run.Complete();

            var order = new List<string>();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120); // only a lost event reaches it
            while (true)
            {
                Assert.True(DateTime.UtcNow < deadline, "the other inputs were never all read");
                // No event says the other files are read: the progress snapshot is asked for between short waits.
                if (run.GetProgress().Completed == otherFiles) break;
                if (run.Events.TryTake(out var e, 100, TestContext.Current.CancellationToken) && e!.Kind == QualityRunEventKind.Result) order.Add(e.Distribution!.Name);
            }
            // A result is posted before its file counts as done: what came before the count is in the channel now.
            run.Events.Drain(e =>
            {
                if (e.Kind == QualityRunEventKind.Result) order.Add(e.Distribution!.Name);
            }, untilDrained: false, TestContext.Current.CancellationToken);
            // Every input but the first is read; none of their results may come before the first one's.
            Assert.Empty(order);

            using (var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write))
            {
                byte[] record = Encoding.ASCII.GetBytes("@fifo\nACGT\n+\nIIII\n");
                writer.Write(record, 0, record.Length);
            }
            released = true;
            run.Events.Drain(e =>
            {
                if (e.Kind == QualityRunEventKind.Result) order.Add(e.Distribution!.Name);
            }, untilDrained: true, TestContext.Current.CancellationToken);

            Assert.Equal(inputs.Where(i => i.Files.Count > 0).Select(i => i.Name), order);
        }
        finally
        {
            // If the test failed before writing it, let the waiting worker go (opening read-write never blocks).
            if (!released) { using var writer = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite); }
        }
    }

    [Fact]
    public void ComputeListsResultsInInputOrder()
    {
        // Large inputs first and small ones last, on several workers: the small ones are done first.
        var inputs = new List<QualityInput>();
        for (int i = 0; i < 8; i++)
            inputs.Add(QualityInput.FromPath(Fastq("sized" + i + ".fastq", i < 2 ? 20000 : 1 + i, 100), false));
        var summary = QualityDistributionRun.Compute(inputs, new QualityRunOptions { ThrottleLimit = 4 }, TestContext.Current.CancellationToken);
        Assert.Equal(inputs.Select(i => i.Name), summary.Distributions.Select(d => d.Name));
    }
}
