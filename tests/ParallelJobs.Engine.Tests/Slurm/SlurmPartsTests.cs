using ParallelJobs.Slurm;

namespace ParallelJobs.Engine.Tests.Slurm;

/// <summary>Parsing Slurm's answers, mapping its states, and checking options: no cluster needed.</summary>
public sealed class SlurmPartsTests
{
    [Theory]
    [InlineData("TIMEOUT", CommandStatus.TimedOut)]
    [InlineData("DEADLINE", CommandStatus.TimedOut)]
    [InlineData("CANCELLED", CommandStatus.Cancelled)]
    [InlineData("CANCELLED by 0", CommandStatus.Cancelled)]
    [InlineData("NODE_FAIL", CommandStatus.Failed)]
    [InlineData("PREEMPTED", CommandStatus.Failed)]
    [InlineData("OUT_OF_MEMORY", CommandStatus.Failed)]
    [InlineData("BOOT_FAIL", CommandStatus.Failed)]
    [InlineData("FAILED", CommandStatus.Failed)]
    [InlineData("COMPLETED", CommandStatus.Failed)]
    public void SlurmStatesMapToStatusesWithTheStateInTheReason(string state, CommandStatus expected)
    {
        var final = new SlurmFinalState("68", state, "0:15", null, null, "pjnode");
        Assert.True(final.IsFinal);
        Assert.Equal(expected, final.ToStatus(out string reason));
        Assert.Contains(state.Split(' ')[0], reason);
        Assert.Contains("68", reason);
    }

    [Theory]
    [InlineData("RUNNING")]
    [InlineData("PENDING")]
    [InlineData("REQUEUED")]
    [InlineData("COMPLETING")]
    public void StatesATaskLeavesAgainAreNotFinal(string state) =>
        Assert.False(new SlurmFinalState("1", state, "", null, null, null).IsFinal);

    [Fact]
    public void SlurmExitCodeGivesTheSignal()
    {
        Assert.Equal(15, new SlurmFinalState("1", "CANCELLED", "0:15", null, null, null).Signal);
        Assert.Null(new SlurmFinalState("1", "FAILED", "4:0", null, null, null).Signal);
        Assert.Null(new SlurmFinalState("1", "FAILED", "", null, null, null).Signal);
    }

    [Fact]
    public void ScontrolLinesAndSlurmTimesAreRead()
    {
        var fields = SlurmClient.ParseKeyValues("JobId=68 ArrayJobId=66 ArrayTaskId=1 JobState=CANCELLED Reason=None ExitCode=0:15 StartTime=2026-12-03T08:39:19 EndTime=Unknown");
        Assert.Equal("68", fields["JobId"]);
        Assert.Equal("CANCELLED", fields["JobState"]);
        Assert.Equal(new DateTime(2026, 12, 3, 8, 39, 19, DateTimeKind.Local), SlurmClient.ParseSlurmTime(fields["StartTime"]));
        Assert.Null(SlurmClient.ParseSlurmTime(fields["EndTime"]));
    }

    [Fact]
    public void RecordsAreReadFieldByField()
    {
        var r = SlurmTaskRecord.Parse("item=12.2\ntask=66_3\njobid=70\nnode=n1\nhost=h1\nstart=1700000000.250000000\npid=4242\nend=1700000001.5\nexit=137\nsignal=9\nwaitstatus=exact\nproblem=\n")!;
        Assert.Equal("12.2", r.Item);
        Assert.Equal("66_3", r.ClusterJobId);
        Assert.Equal("70", r.RawJobId);
        Assert.Equal("n1", r.Node);
        Assert.Equal(4242, r.ProcessId);
        Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20, 250, DateTimeKind.Utc).ToLocalTime(), r.StartTime);
        Assert.Equal(TimeSpan.FromSeconds(1.25), r.EndTime - r.StartTime);
        Assert.Equal(137, r.ExitCode);
        Assert.Equal(9, r.Signal);
        Assert.Null(r.Problem);
        Assert.True(r.IsResult);
        Assert.Null(SlurmTaskRecord.Parse(""));
        Assert.False(SlurmTaskRecord.Parse("item=1.1\nstart=1700000000\n")!.IsResult);
        // date without %N prints whole seconds.
        Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20, DateTimeKind.Utc).ToLocalTime(), SlurmTaskRecord.ParseTime("1700000000"));
    }

    [Fact]
    public void ItemNamesCarryIndexAndAttempt()
    {
        Assert.Equal("17.2", SlurmRunDirectory.Item(17, 2));
        Assert.True(SlurmRunDirectory.TryParseItem("17.2", out int index, out int attempt));
        Assert.Equal((17, 2), (index, attempt));
        Assert.False(SlurmRunDirectory.TryParseItem("x.1", out _, out _));
    }

    [Theory]
    [InlineData("--time=00:01:00", true)]
    [InlineData("--time", true)]
    [InlineData("-t", true)]
    [InlineData("-t5", true)]
    [InlineData("--time-min=5", false)]
    [InlineData("--partition=short", false)]
    [InlineData("--test-only", false)]
    public void ATimeLimitMeansOneCommandPerTask(string option, bool limited)
    {
        var o = new SlurmRunOptions { RunDirectory = "/tmp/x" };
        o.SlurmOptions.Add(option);
        Assert.Equal(limited, o.HasTimeLimit);
        Assert.Equal(limited ? 0 : 30, o.EffectiveBudgetSeconds);
        Assert.Equal(limited ? 0 : 10, o.EffectiveLingerSeconds);
    }

    [Theory]
    [InlineData("--array=0-9")]
    [InlineData("-a")]
    [InlineData("-a0-9")]
    [InlineData("--wrap=true")]
    [InlineData("--wait")]
    [InlineData("-W")]
    [InlineData("--parsable")]
    public void OptionsTheModuleOwnsAreRejectedByName(string option)
    {
        var o = new SlurmRunOptions { RunDirectory = "/tmp/x" };
        o.SlurmOptions.Add(option);
        var e = Assert.ThrowsAny<ArgumentException>(() => o.Validate());
        Assert.Contains(option, e.Message);
    }

    [Fact]
    public void OtherOptionsPassAsGiven()
    {
        var o = new SlurmRunOptions { RunDirectory = "/tmp/x" };
        foreach (var option in new[] { "--partition=short", "--mem=1G", "-c", "2", "--account", "lab" }) o.SlurmOptions.Add(option);
        o.Validate();
    }
}
