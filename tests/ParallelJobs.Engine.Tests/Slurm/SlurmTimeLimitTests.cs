using ParallelJobs.Slurm;

namespace ParallelJobs.Engine.Tests.Slurm;

/// <summary>
/// A task over its --time. Slurm counts time limits in whole minutes and checks them every 30 s, so this
/// takes one to two minutes; it is a class of its own so that it runs beside the other Slurm tests.
/// </summary>
public sealed class SlurmTimeLimitTests
{
    [Fact]
    public void ACommandOverTheTimeLimitIsTimedOutAndTheOthersAreNotHeldBack()
    {
        string conf = SlurmTestCluster.Require();
        using var temp = new TempDir();
        using var run = SlurmRunTests.NewRun(conf, temp, throttle: 2, o => o.SlurmOptions.Add("--time=0:05"));
        run.Add("echo started; sleep 600");
        run.Add("echo quick");
        run.CompleteAdding();

        var results = SlurmRunTests.Drain(run, seconds: 300).ToDictionary(r => r.Result.Index);

        var slow = results[0];
        Assert.Equal(CommandStatus.TimedOut, slow.Result.Status);
        Assert.Contains("TIMEOUT", slow.Result.Reason);
        Assert.Equal(new[] { "started" }, slow.Result.Output);
        Assert.Equal("pjnode", slow.Result.ComputerName);
        Assert.True(slow.Result.ProcessId > 0);
        Assert.NotNull(slow.ClusterJobId);
        Assert.True(slow.Result.EndTime > slow.Result.StartTime);
        Assert.Equal(CommandStatus.Succeeded, results[1].Result.Status);
        // With a time limit each command is a task of its own: the limit is the command's.
        Assert.NotEqual(slow.ClusterJobId, results[1].ClusterJobId);
    }
}
