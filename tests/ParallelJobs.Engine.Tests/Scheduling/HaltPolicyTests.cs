using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;

namespace ParallelJobs.Engine.Tests.Scheduling;

/// <summary>GNU parallel's --halt: stop starting (soon) or stop everything (now) after failures, successes or finishes.</summary>
public class HaltPolicyTests
{
    private static RunOptions With(string halt, int slots) => new RunOptions { ThrottleLimit = slots, KeepOrder = true, Halt = HaltPolicy.Parse(halt), GracePeriod = TimeSpan.FromMilliseconds(500) };

    [Fact]
    public void Soon_StartsNothingAfterTheFailures_AndTheRestAreSkippedWithTheReason()
    {
        var (results, events) = Run(With("soon,fail=1", 1), new[] { Sh("exit 1"), Sh("echo a"), Sh("echo b") });
        Assert.Equal(new[] { CommandStatus.Failed, CommandStatus.Skipped, CommandStatus.Skipped }, results.Select(r => r.Status));
        Assert.All(results.Skip(1), r => Assert.Equal("Not run: the halt policy soon,fail=1 was met: 1 command failed.", r.Reason));
        Assert.Contains(events, e => e.Kind == RunEventKind.Warning && e.Message!.StartsWith("Halting: the halt policy soon,fail=1"));
    }

    /// <summary>
    /// The slot a failed command frees must not start the next command before the failure has met the policy:
    /// with one slot, a command added at that very moment (input still coming from the pipeline) started and
    /// ran. An adder thread keeps adding while the first command fails, so some of its adds fall into that moment.
    /// </summary>
    [Fact]
    public void Soon_WithInputStillComing_NothingStartsAfterTheFailure()
    {
        for (int round = 0; round < 20; round++)
        {
            using var run = new ParallelRun(With("soon,fail=1", 1));
            run.Add(Sh("exit 1"));
            using var firstEnded = new ManualResetEventSlim();
            var adder = new Thread(() =>
            {
                for (int i = 0; i < 20000 && !firstEnded.IsSet; i++) run.Add(Sh("true"));
                for (int i = 0; i < 50; i++) run.Add(Sh("true"));
                run.CompleteAdding();
            });
            adder.Start();
            var (results, _) = Drain(run, (_, e) => { if (e.Kind == RunEventKind.CommandFinished && e.Index == 0) firstEnded.Set(); });
            adder.Join();
            Assert.Equal(CommandStatus.Failed, results.Single(r => r.Index == 0).Status);
            var ran = results.Where(r => r.Index != 0 && r.Status != CommandStatus.Skipped).ToList();
            Assert.True(ran.Count == 0, $"round {round}: {ran.Count} command(s) ran after the failure met soon,fail=1, first #{ran.FirstOrDefault()?.Index} {ran.FirstOrDefault()?.Status}");
        }
    }

    [Fact]
    public void Soon_LetsTheRunningCommandsFinish()
    {
        using var dir = new TempDir();
        string gate = dir.Combine("gate");
        // The second command ends only after the first has failed (it waits for the file the first writes).
        var (results, _) = Run(With("soon,fail=1", 2), new[]
        {
            Sh($"touch '{gate}'; exit 3"),
            Sh($"while [ ! -e '{gate}' ]; do sleep 0.05; done; sleep 0.3; echo finished"),
            Sh("echo never"),
        });
        Assert.Equal(new[] { CommandStatus.Failed, CommandStatus.Succeeded, CommandStatus.Skipped }, results.Select(r => r.Status));
        Assert.Equal("finished", results[1].Output.Single());
    }

    [Fact]
    public void Now_StopsTheRunningCommands_AsCancelledWithTheReason()
    {
        var (results, _) = Run(With("now,fail=1", 2), new[] { Sh("exec sleep 600"), Sh("exit 2"), Sh("echo c") });
        Assert.Equal(new[] { CommandStatus.Cancelled, CommandStatus.Failed, CommandStatus.Skipped }, results.Select(r => r.Status));
        Assert.StartsWith("Stopped while it ran: the halt policy now,fail=1 was met: 1 command failed", results[0].Reason);
        Assert.False(IsAlive(results[0].ProcessId));
    }

    [Fact]
    public void Success_StopsWhenOneSucceeds()
    {
        var (results, _) = Run(With("now,success=1", 2), new[] { Sh("exec sleep 600"), Sh("exit 0"), Sh("echo c") });
        Assert.Equal(new[] { CommandStatus.Cancelled, CommandStatus.Succeeded, CommandStatus.Skipped }, results.Select(r => r.Status));
        Assert.Contains("now,success=1 was met: 1 command succeeded", results[0].Reason);
    }

    [Fact]
    public void Percent_IsAShareOfAllTheCommands()
    {
        var (results, _) = Run(With("soon,fail=50%", 1), new[] { Sh("exit 1"), Sh("true"), Sh("exit 1"), Sh("true"), Sh("true"), Sh("true") });
        // Two failures of six commands stay under half: every command runs.
        Assert.Equal(new[] { CommandStatus.Failed, CommandStatus.Succeeded, CommandStatus.Failed, CommandStatus.Succeeded, CommandStatus.Succeeded, CommandStatus.Succeeded },
            results.Select(r => r.Status));
        var (halted, _) = Run(With("soon,fail=50%", 1), new[] { Sh("exit 1"), Sh("exit 1"), Sh("true"), Sh("true") });
        Assert.Equal(new[] { CommandStatus.Failed, CommandStatus.Failed, CommandStatus.Skipped, CommandStatus.Skipped }, halted.Select(r => r.Status));
        Assert.Contains("2 of 4 commands failed", halted[2].Reason);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("later,fail=1")]
    [InlineData("now,crash=1")]
    [InlineData("now,fail=0")]
    [InlineData("now,fail=-1")]
    [InlineData("now,fail=150%")]
    [InlineData("now,fail=x")]
    public void BadPolicies_SayTheForm(string text)
    {
        var e = Assert.Throws<FormatException>(() => HaltPolicy.Parse(text));
        Assert.Contains($"'{text}'", e.Message);
        Assert.Contains("soon,fail=1", e.Message);
    }

    [Theory]
    [InlineData(" Now , Fail = 10% ", "now,fail=10%")]
    [InlineData("soon,done=3", "soon,done=3")]
    public void GoodPolicies(string text, string normalised) => Assert.Equal(normalised, HaltPolicy.Parse(text).Text);
}
