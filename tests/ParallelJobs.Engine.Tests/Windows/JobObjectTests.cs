using System.Diagnostics;
using ParallelJobs.Processes;
using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;

namespace ParallelJobs.Engine.Tests.Windows;

/// <summary>
/// Every command runs in a job object, and every way a run stops a command kills the whole job: checked by
/// the Windows process ids of cmd.exe, its child cmd.exe and the grandchild ping.exe. Each test uses its own
/// ping count (-n 60x), so the Windows lane also checks from Linux (ps) that none of them is left.
/// </summary>
[Trait("Platform", "Windows")]
[Collection("Windows processes")]
public class JobObjectTests
{
    private static string Tree(int n) => $"cmd /d /c ping -n {n} 127.0.0.1";

    /// <summary>Waits for the job to hold the command, its child cmd and the grandchild ping (no event says when a grandchild starts).</summary>
    private static int[] WholeTree(ILaunchedProcess p)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var members = p.OutputHolders();
            if (members.Count >= 2) return members.Append(p.Id).ToArray();
            Thread.Sleep(50);
        }
        Assert.Fail("the job never held the child and the grandchild: " + string.Join(",", p.OutputHolders()));
        return Array.Empty<int>();
    }

    [Fact]
    public async Task Stop_KillsChildAndGrandchild_ByProcessId()
    {
        WindowsOnly.Require();
        var launch = CommandSpec.Shell(Tree(601)).Resolve(0, 0);
        using var p = new DotNetProcessLauncher().Start(new ProcessStartRequest(launch.FileName, launch.Arguments) { WindowsArguments = launch.WindowsArguments });
        int[] pids = WholeTree(p);
        Assert.Equal(3, pids.Length);
        Assert.All(pids, pid => Assert.True(WindowsOnly.IsAlive(pid), $"{pid} should run before the stop"));
        p.Stop(TimeSpan.FromSeconds(5));
        var exit = await p.Exited.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal((int)DotNetProcessLauncher.TerminatedExitCode, exit.ExitCode);
        Assert.All(pids, pid => Assert.False(WindowsOnly.IsAlive(pid), $"process {pid} outlived the stop"));
        Assert.Empty(p.OutputHolders());
    }

    [Fact]
    public void TimeOut_KillsTheTree()
    {
        WindowsOnly.Require();
        var before = WindowsOnly.Pings();
        var sw = Stopwatch.StartNew();
        var r = Run(new RunOptions { ThrottleLimit = 1, Timeout = TimeSpan.FromSeconds(3) }, new[] { Sh(Tree(602)) }).Results.Single();
        Assert.Equal(CommandStatus.TimedOut, r.Status);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), "the time-out did not end the command: " + sw.Elapsed);
        Assert.Empty(WindowsOnly.Pings().Except(before));
        Assert.False(WindowsOnly.IsAlive(r.ProcessId));
    }

    [Fact]
    public void Cancel_KillsRunningTrees_AsCtrlCAndStopJobDo()
    {
        WindowsOnly.Require();
        var before = WindowsOnly.Pings();
        using var run = new ParallelRun(new RunOptions { ThrottleLimit = 2 });
        run.Add(Sh(Tree(603)));
        run.Add(Sh(Tree(603)));
        run.CompleteAdding();
        var started = new List<int>();
        var (results, _) = Drain(run, (r, e) =>
        {
            if (e.Kind != RunEventKind.CommandStarted) return;
            lock (started) started.Add(e.ProcessId);
            if (started.Count == 2) ThreadPool.QueueUserWorkItem(_ => { WaitForPings(before, 2); r.Cancel(); });
        });
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal(CommandStatus.Cancelled, r.Status));
        Assert.Empty(WindowsOnly.Pings().Except(before));
    }

    [Fact]
    public void DisposingTheRun_KillsRunningTrees_AsSelectFirstAndErrorActionStopDo()
    {
        WindowsOnly.Require();
        var before = WindowsOnly.Pings();
        var run = new ParallelRun(new RunOptions { ThrottleLimit = 1 });
        run.Add(Sh(Tree(604)));
        run.CompleteAdding();
        WaitForPings(before, 1);
        run.Dispose();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (WindowsOnly.Pings().Except(before).Any() && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.Empty(WindowsOnly.Pings().Except(before));
    }

    [Fact]
    public void ClosingTheJob_KillsTheTree_AsTheSessionEndingDoes()
    {
        WindowsOnly.Require();
        var job = WindowsJob.Create();
        var launch = CommandSpec.Shell(Tree(605)).Resolve(0, 0);
        using var cmd = Process.Start(new ProcessStartInfo(launch.FileName, launch.WindowsArguments!) { UseShellExecute = false, CreateNoWindow = true })!;
        Assert.True(job.TryAssign(cmd.Handle, out int error), "AssignProcessToJobObject failed: " + error);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (job.ProcessIds().Count < 3 && DateTime.UtcNow < deadline) Thread.Sleep(50);
        var pids = job.ProcessIds();
        Assert.Equal(3, pids.Count);
        job.Dispose(); // the last handle: what the end of the PowerShell process does to every job it holds
        Assert.True(cmd.WaitForExit(30_000));
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (pids.Any(WindowsOnly.IsAlive) && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.All(pids, pid => Assert.False(WindowsOnly.IsAlive(pid), $"process {pid} outlived the job's handle"));
    }

    private static void WaitForPings(int[] before, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (WindowsOnly.Pings().Except(before).Count() < count && DateTime.UtcNow < deadline) Thread.Sleep(50);
    }
}
