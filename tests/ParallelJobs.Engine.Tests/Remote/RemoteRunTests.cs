using ParallelJobs.Processes;
using ParallelJobs.Remote;
using ParallelJobs.Scheduling;

namespace ParallelJobs.Engine.Tests.Remote;

/// <summary>Whole runs spread over the real loopback sshd hosts (RunOptions.Hosts).</summary>
[Collection(nameof(SshHostsGroup))]
public class RemoteRunTests
{
    private static RunOptions Options(params string[] hosts) => new()
    {
        Hosts = SshHost.ParseAll(hosts),
        Ssh = new SshSettings { ConfigFile = SshTestHosts.ConfigFile },
        GracePeriod = TimeSpan.FromSeconds(1),
    };

    private static string ServerAddress(CommandResult r) => r.Output[0].Split(' ')[2];

    /// <summary>An extra host (its own sshd on a spare port) that a test may kill.</summary>
    private sealed class ExtraHost : IDisposable
    {
        public ExtraHost(int offset)
        {
            Port = SshTestHosts.Port + offset;
            SshTestHosts.RunScript("start-host", Address, Port.ToString());
        }

        public string Address => "127.0.0.3";
        public int Port { get; }
        public string Entry => Address + ":" + Port;
        public void Kill() => SshTestHosts.RunScript("stop-host", Address, Port.ToString());
        public void Dispose() => Kill();
    }

    [Fact]
    public void CommandsSpreadOverThreeHosts_EachResultNamesItsHost_AndRanThere()
    {
        SshTestHosts.Require();
        var jobLog = Path.Combine(Path.GetTempPath(), "pj-remote-joblog-" + Guid.NewGuid().ToString("N"));
        var options = Options("2/127.0.0.1", "2/127.0.0.2", "2/127.0.0.3");
        options.JobLogPath = jobLog;
        try
        {
            var (results, _) = RunDriver.Run(options, Enumerable.Range(0, 30).Select(i => RunDriver.Sh("echo \"$SSH_CONNECTION\"; sleep 0.1; : {}", i.ToString())));
            Assert.Equal(30, results.Count);
            Assert.All(results, r => Assert.True(r.Succeeded, r.Reason));
            Assert.All(results, r => Assert.Equal(r.ComputerName, ServerAddress(r)));
            Assert.Equal(new[] { "127.0.0.1", "127.0.0.2", "127.0.0.3" }, results.Select(r => r.ComputerName).Distinct().OrderBy(h => h));
            Assert.All(results, r => Assert.True(r.ProcessId > 0));
            Assert.All(results, r => Assert.Empty(r.HostFailures));
            Assert.All(results, r => Assert.InRange(r.Slot, 0, 1)); // numbered within each host
            // The job log's Host column names the host, as GNU parallel's does.
            var hostsInLog = File.ReadAllLines(jobLog).Skip(1).Select(l => l.Split('\t')[1]).Distinct().OrderBy(h => h);
            Assert.Equal(new[] { "127.0.0.1", "127.0.0.2", "127.0.0.3" }, hostsInLog);
        }
        finally
        {
            File.Delete(jobLog);
        }
    }

    [Fact]
    public void SlotsBelongToHosts_AndTheLocalEntryRunsHereWithoutSsh()
    {
        SshTestHosts.Require();
        using var run = new ParallelRun(Options("1/127.0.0.2", "2/:"));
        var slots = run.GetSlots();
        Assert.Equal(new[] { "127.0.0.2", Environment.MachineName, Environment.MachineName }, slots.Select(s => s.ComputerName));
        for (int i = 0; i < 6; i++) run.Add(RunDriver.Sh("echo \"${SSH_CONNECTION:-local}\"; sleep 0.2"));
        run.CompleteAdding();
        var (results, _) = RunDriver.Drain(run);
        Assert.All(results, r => Assert.True(r.Succeeded, r.Reason));
        Assert.All(results.Where(r => r.ComputerName == "127.0.0.2"), r => Assert.Equal("127.0.0.2", ServerAddress(r)));
        Assert.All(results.Where(r => r.ComputerName != "127.0.0.2"), r => Assert.Equal("local", r.Output[0]));
        Assert.Contains(results, r => r.ComputerName == Environment.MachineName);
        // Each host numbers its own slots from 0.
        Assert.All(results.Where(r => r.ComputerName == "127.0.0.2"), r => Assert.Equal(0, r.Slot));
        Assert.All(results.Where(r => r.ComputerName != "127.0.0.2"), r => Assert.InRange(r.Slot, 0, 1));
    }

    [Fact]
    public void ExitCodesTokensEnvironmentAndWorkingDirectory_AreAsLocally()
    {
        SshTestHosts.Require();
        var options = Options("127.0.0.2");
        options.RemoteWorkingDirectory = "/tmp";
        options.Environment["PJ_REMOTE"] = "it's $(x)";
        var hostile = RemoteWrapperTests.HostileValues.Where(v => v.Length > 0).ToArray();
        var specs = new List<CommandSpec> { RunDriver.Sh("exit 3"), RunDriver.Sh("printf '%s|%s|%s' \"$PJ_REMOTE\" \"$(pwd)\" \"$PARALLELJOBS_SLOT\"") };
        // Each value's bytes as hex, so newlines and carriage returns are compared too.
        specs.AddRange(hostile.Select(v => RunDriver.Sh("printf '%s' {} | od -An -tx1 | tr -d ' \\n'", v)));
        var (results, _) = RunDriver.Run(options, specs);
        var byIndex = results.OrderBy(r => r.Index).ToList();

        Assert.Equal(CommandStatus.Failed, byIndex[0].Status);
        Assert.Equal(3, byIndex[0].ExitCode);
        Assert.Equal("it's $(x)|/tmp|" + byIndex[1].Slot, byIndex[1].Output.Single());
        for (int i = 0; i < hostile.Length; i++)
        {
            var r = byIndex[i + 2];
            Assert.True(r.Succeeded, r.Reason);
            Assert.Equal(Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(hostile[i])).ToLowerInvariant(), r.Output.Single());
        }
    }

    [Fact]
    public void AMissingRemoteWorkingDirectory_FailsToStart_NamingTheHost()
    {
        SshTestHosts.Require();
        var options = Options("127.0.0.2");
        options.RemoteWorkingDirectory = "/no/such/dir";
        var (results, _) = RunDriver.Run(options, new[] { RunDriver.Sh("true") });
        Assert.Equal(CommandStatus.FailedToStart, results[0].Status);
        Assert.Contains("'127.0.0.2'", results[0].Reason);
        Assert.Contains("/no/such/dir", results[0].Reason);
    }

    [Fact]
    public void ATimeOut_StopsTheRemoteTree()
    {
        SshTestHosts.Require();
        string marker = RemoteProcessProbe.NewMarker();
        var options = Options("127.0.0.3");
        options.Timeout = TimeSpan.FromSeconds(2);
        var (results, _) = RunDriver.Run(options, new[] { RunDriver.Sh($"sh -c 'sleep 1000; true' {marker} & wait") });
        Assert.Equal(CommandStatus.TimedOut, results[0].Status);
        RemoteProcessProbe.AssertAllGone(marker, null, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void StoppingTheRun_CancelsRemoteCommands_AndLeavesNothingOnAnyHost()
    {
        SshTestHosts.Require();
        string marker = RemoteProcessProbe.NewMarker();
        using var run = new ParallelRun(Options("1/127.0.0.1", "1/127.0.0.2", "1/127.0.0.3"));
        for (int i = 0; i < 5; i++) run.Add(RunDriver.Sh($"sh -c 'sleep 1000; true' {marker}-{i} & wait"));
        run.CompleteAdding();
        int started = 0;
        var (results, _) = RunDriver.Drain(run, (r, e) =>
        {
            if (e.Kind == RunEventKind.CommandStarted && ++started == 3)
            {
                RemoteProcessProbe.AwaitRunning(marker, TimeSpan.FromSeconds(30));
                r.Cancel();
            }
        });
        Assert.Equal(5, results.Count);
        Assert.All(results, r => Assert.Equal(CommandStatus.Cancelled, r.Status));
        RemoteProcessProbe.AssertAllGone(marker, null, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void AHostKilledMidRun_ItsCommandRunsAgainElsewhere_AndEveryInputGetsOneResult()
    {
        SshTestHosts.Require();
        using var extra = new ExtraHost(3);
        string marker = RemoteProcessProbe.NewMarker();
        var options = Options("1/127.0.0.1", "1/127.0.0.2", "1/" + extra.Entry);
        using var run = new ParallelRun(options);
        for (int i = 0; i < 9; i++) run.Add(RunDriver.Sh($"echo \"$SSH_CONNECTION\"; sh -c 'sleep 1; true' {marker}-{i}; true"));
        run.CompleteAdding();
        bool killed = false;
        var (results, events) = RunDriver.Drain(run, (r, e) =>
        {
            // The first command started on the extra host: its host dies under it.
            if (!killed && e.Kind == RunEventKind.CommandStarted && e.ComputerName == extra.Entry)
            {
                killed = true;
                RemoteProcessProbe.AwaitRunning(marker, TimeSpan.FromSeconds(30));
                extra.Kill();
            }
        });

        Assert.True(killed);
        Assert.Equal(Enumerable.Range(0, 9), results.Select(r => r.Index).OrderBy(i => i));
        Assert.All(results, r => Assert.True(r.Succeeded, r.Reason));
        var moved = results.Where(r => r.HostFailures.Length > 0).ToList();
        Assert.NotEmpty(moved);
        Assert.All(moved, r =>
        {
            Assert.Contains(extra.Entry, r.HostFailures[0]);
            Assert.NotEqual(extra.Entry, r.ComputerName);
            Assert.Equal(r.ComputerName, ServerAddress(r));
            Assert.Equal(1 + r.HostFailures.Length, r.Attempts);
        });
        Assert.Contains(events, e => e.Kind == RunEventKind.Warning && e.Message!.Contains(extra.Entry));
        RemoteProcessProbe.AssertAllGone(marker, null, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void WhenNoHostIsLeft_TheRemainingCommandsEndAsHostUnavailable_WithTheReason()
    {
        SshTestHosts.Require();
        using var extra = new ExtraHost(4);
        string marker = RemoteProcessProbe.NewMarker();
        using var run = new ParallelRun(Options("1/" + extra.Entry));
        for (int i = 0; i < 4; i++) run.Add(RunDriver.Sh($"sh -c 'sleep 1000; true' {marker}-{i} & wait"));
        run.CompleteAdding();
        bool killed = false;
        var (results, _) = RunDriver.Drain(run, (r, e) =>
        {
            if (!killed && e.Kind == RunEventKind.CommandStarted)
            {
                killed = true;
                RemoteProcessProbe.AwaitRunning(marker, TimeSpan.FromSeconds(30));
                extra.Kill();
            }
        });
        Assert.Equal(4, results.Count);
        Assert.All(results, r => Assert.Equal(CommandStatus.HostUnavailable, r.Status));
        Assert.All(results, r => Assert.Contains("No host is left", r.Reason));
        Assert.All(results, r => Assert.Contains("Connection refused", r.Reason));
        var first = results.Single(r => r.HostFailures.Length > 0);
        Assert.Contains("may have run in part", first.HostFailures[0]);
        RemoteProcessProbe.AssertAllGone(marker, null, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void ACommandThatKeepsEndingLikeAHostFailure_WhileTheHostsAnswer_EndsAfterABoundedNumberOfStarts()
    {
        SshTestHosts.Require();
        // The command kills the remote wrapper above it, so its channel ends without the command's end: a host
        // failure each time, while every host still answers its check. It must not run again without end.
        var options = Options("1/127.0.0.1", "1/127.0.0.2");
        var (results, events) = RunDriver.Run(options, new[]
        {
            RunDriver.Sh("w=$PPID; [ \"$(ps -o comm= -p $w)\" = perl ] && w=$(ps -o ppid= -p $w); kill -s KILL $w; sleep 1"),
            RunDriver.Sh("echo fine"),
        });
        var bad = results.Single(r => r.Index == 0);
        Assert.Equal(CommandStatus.HostUnavailable, bad.Status);
        Assert.Equal(ParallelRun.MaxHostFailuresPerCommand, bad.HostFailures.Length);
        Assert.Equal(ParallelRun.MaxHostFailuresPerCommand, bad.Attempts);
        Assert.Contains($"{ParallelRun.MaxHostFailuresPerCommand} times", bad.Reason);
        Assert.True(results.Single(r => r.Index == 1).Succeeded);
    }

    [Fact]
    public void NoReachableHost_NothingStarts_AndTheErrorSaysWhy()
    {
        SshTestHosts.Require();
        var e = Assert.Throws<HostsUnreachableException>(() => new ParallelRun(Options("127.0.0.3:" + (SshTestHosts.Port + 9), "nobody-here@127.0.0.2")));
        Assert.Contains("Connection refused", e.Message);
        Assert.Contains("Permission denied", e.Message);
    }

    [Fact]
    public void AnUnreachableHostAtStart_IsAWarning_AndTheOthersRunEverything()
    {
        SshTestHosts.Require();
        string dead = "127.0.0.3:" + (SshTestHosts.Port + 9);
        var (results, events) = RunDriver.Run(Options("127.0.0.1", dead), Enumerable.Range(0, 4).Select(_ => RunDriver.Sh("true")));
        Assert.All(results, r => Assert.True(r.Succeeded, r.Reason));
        Assert.All(results, r => Assert.Equal("127.0.0.1", r.ComputerName));
        Assert.Contains(events, e => e.Kind == RunEventKind.Warning && e.Message!.Contains(dead) && e.Message.Contains("Connection refused"));
    }
}
