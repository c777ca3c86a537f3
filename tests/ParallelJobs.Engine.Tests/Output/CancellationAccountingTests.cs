using ParallelJobs.Output;
using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;

namespace ParallelJobs.Engine.Tests.Output;

/// <summary>What a job's Stop-Job relies on: after Cancel every input still has exactly one result.</summary>
public class CancellationAccountingTests
{
    [Fact]
    public void CancelDuringARun_EveryInputHasOneResult_WaitingOnesCancelledWithoutASlot()
    {
        var buffer = new SlotOutputBuffer(2, null);
        using var run = new ParallelRun(new RunOptions { ThrottleLimit = 2, GracePeriod = TimeSpan.FromMilliseconds(200) });
        run.LineReceived += buffer.Append;
        for (int i = 0; i < 10; i++) run.Add(Sh($"echo started {i}; sleep 30"));
        run.CompleteAdding();

        var started = new HashSet<int>();
        var (results, _) = Drain(run, (r, e) =>
        {
            if (e.Kind == RunEventKind.CommandStarted && started.Add(e.Index) && started.Count == 2) r.Cancel();
        });

        Assert.Equal(Enumerable.Range(0, 10), results.Select(r => r.Index).OrderBy(i => i));
        Assert.All(results, r => Assert.Equal(CommandStatus.Cancelled, r.Status));
        var neverStarted = results.Where(r => !started.Contains(r.Index)).ToList();
        Assert.Equal(8, neverStarted.Count);
        Assert.All(neverStarted, r => Assert.Equal(-1, r.Slot));
        Assert.All(results.Where(r => started.Contains(r.Index)), r => Assert.InRange(r.Slot, 0, 1));
        Assert.All(results.Where(r => r.ProcessId != 0), r => Assert.False(IsAlive(r.ProcessId)));
        // Only commands that ran printed anything.
        var printed = Enumerable.Range(0, 2).SelectMany(s => buffer.Read(s, keep: false).Lines).Select(l => l.Index).ToHashSet();
        Assert.Subset(started, printed);
    }

    [Fact]
    public void CommandsAddedAfterCancel_StillGetOneCancelledResultEach()
    {
        using var run = new ParallelRun(new RunOptions { ThrottleLimit = 1, GracePeriod = TimeSpan.FromMilliseconds(100) });
        run.Add(Sh("sleep 30"));
        run.Cancel();
        run.Add(Sh("echo late"));
        run.CompleteAdding();
        var (results, _) = Drain(run);
        Assert.Equal(new[] { 0, 1 }, results.Select(r => r.Index).OrderBy(i => i));
        Assert.All(results, r => Assert.Equal(CommandStatus.Cancelled, r.Status));
    }

    [Fact]
    public void CancelCommand_StopsOnlyThatCommand_RunningOrWaiting_AndTheRestRun()
    {
        using var run = new ParallelRun(new RunOptions { ThrottleLimit = 1, GracePeriod = TimeSpan.FromMilliseconds(200) });
        run.Add(Sh("sleep 30"));        // 0: running, cancelled
        run.Add(Sh("echo waiting"));    // 1: waiting, cancelled before it starts
        run.Add(Sh("echo runs"));       // 2: runs after the cancellations
        run.CompleteAdding();
        bool cancelled = false;
        var (results, _) = Drain(run, (r, e) =>
        {
            if (e.Kind == RunEventKind.CommandStarted && e.Index == 0 && !cancelled)
            {
                cancelled = true;
                Assert.True(r.CancelCommand(1));
                Assert.True(r.CancelCommand(0));
            }
        });
        var byIndex = results.ToDictionary(r => r.Index);
        Assert.Equal(3, results.Count);
        Assert.Equal(CommandStatus.Cancelled, byIndex[0].Status);
        Assert.False(IsAlive(byIndex[0].ProcessId));
        Assert.Equal(CommandStatus.Cancelled, byIndex[1].Status);
        Assert.Equal(-1, byIndex[1].Slot);
        Assert.Equal(CommandStatus.Succeeded, byIndex[2].Status);
        Assert.Equal(new[] { "runs" }, byIndex[2].Output);
        Assert.False(run.CancelCommand(2));
        Assert.False(run.CancelCommand(99));
    }
}

/// <summary>
/// Disposing a run (a cmdlet's pipeline ending on Ctrl+C, Remove-Job) must not leave commands running, even when
/// the polite stop does not get through in time: on a busy machine the stop can wait for a thread long after the
/// grace period.
/// </summary>
public class DisposeStopsByForceTests
{
    [Fact]
    public void Dispose_KillsWhatThePoliteStopLeftRunning_AndEveryCommandHasItsResult()
    {
        var launcher = new PoliteStopLost();
        var options = new RunOptions
        {
            ThrottleLimit = 2,
            GracePeriod = TimeSpan.FromMilliseconds(100),
            // Dispose waits this long twice at most (after the lost polite stop, then after the kill). The kill's
            // results arrive through waiter threads, which a loaded CI machine (load 30 on 2 cores) delays well
            // past 300 ms; the second wait ends as soon as they arrive, so a generous margin costs nothing when idle.
            StopMargin = TimeSpan.FromSeconds(3),
            Launcher = launcher,
        };
        var run = new ParallelRun(options);
        run.Add(Sh("exec sleep 600"));
        run.Add(Sh("exec sleep 600"));
        run.CompleteAdding();
        var pids = new List<int>();
        run.Events.Drain(e =>
        {
            if (e.Kind == RunEventKind.CommandStarted) pids.Add(e.ProcessId);
        }, untilDrained: false, TestContext.Current.CancellationToken);
        while (pids.Count < 2)
        {
            Assert.True(run.Events.TryTake(out var e, (int)Hang.TotalMilliseconds, TestContext.Current.CancellationToken), "the commands did not start");
            if (e!.Kind == RunEventKind.CommandStarted) pids.Add(e.ProcessId);
        }

        try
        {
            run.Dispose();

            Assert.True(run.IsCompleted, "Dispose returned with commands still running");
            foreach (int pid in pids) Assert.False(IsAlive(pid), $"process {pid} outlived the run's Dispose");
            var (results, _) = Drain(run);
            Assert.Equal(2, results.Count);
            Assert.All(results, r => Assert.Equal(CommandStatus.Cancelled, r.Status));
        }
        finally
        {
            // Whatever failed above, this test's own processes do not outlive it.
            foreach (int pid in pids.Where(IsAlive)) System.Diagnostics.Process.GetProcessById(pid).Kill();
        }
    }

    /// <summary>The local launcher, but a stop with a grace period never arrives (as when it waits for a thread); a kill does.</summary>
    private sealed class PoliteStopLost : ParallelJobs.Processes.IProcessLauncher
    {
        public ParallelJobs.Processes.ILaunchedProcess Start(ParallelJobs.Processes.ProcessStartRequest request) =>
            new Process(ParallelJobs.Processes.LocalLauncher.Default.Start(request));

        private sealed class Process : ParallelJobs.Processes.ILaunchedProcess
        {
            private readonly ParallelJobs.Processes.ILaunchedProcess _inner;
            public Process(ParallelJobs.Processes.ILaunchedProcess inner) => _inner = inner;
            public int Id => _inner.Id;
            public Stream StandardOutput => _inner.StandardOutput;
            public Stream StandardError => _inner.StandardError;
            public Task<ParallelJobs.Processes.ProcessExit> Exited => _inner.Exited;
            public void Stop(TimeSpan grace)
            {
                if (grace == TimeSpan.Zero) _inner.Stop(grace);
            }
            public bool AbandonOutput() => _inner.AbandonOutput();
            public IReadOnlyList<int> OutputHolders() => _inner.OutputHolders();
            public void Dispose() => _inner.Dispose();
        }
    }
}
