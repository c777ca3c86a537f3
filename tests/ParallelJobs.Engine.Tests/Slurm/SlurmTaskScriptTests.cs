using System.Diagnostics;
using ParallelJobs.Slurm;

namespace ParallelJobs.Engine.Tests.Slurm;

/// <summary>
/// The array task script run by /bin/sh on this machine, with the variables Slurm would set: what it
/// records, and that tasks sharing a run directory never run a command twice. No Slurm needed.
/// </summary>
public sealed class SlurmTaskScriptTests
{
    [Fact]
    public void RecordsExitCodesOutputNodePidAndTimesOfEachCommand()
    {
        SkipWithoutPosixShell();
        using var temp = new TempDir();
        var dir = new SlurmRunDirectory(temp.Combine("run"));
        string[] commands = { "echo out; echo err >&2", "exit 3", "echo $$", "kill -9 $$", "exit 137" };
        for (int i = 0; i < commands.Length; i++) dir.WriteCommand(i, commands[i]);
        dir.WriteBatch(Enumerable.Range(0, commands.Length).Select(i => SlurmRunDirectory.Item(i, 1)).ToList());
        dir.MarkComplete();

        var before = DateTime.Now.AddSeconds(-1);
        RunTask(dir, taskId: 4, budget: 60);
        var after = DateTime.Now.AddSeconds(1);

        var records = Enumerable.Range(0, commands.Length).Select(i => dir.ReadResult(SlurmRunDirectory.Item(i, 1))!).ToArray();
        Assert.All(records, r =>
        {
            Assert.Equal("77_4", r.ClusterJobId);
            Assert.Equal("85", r.RawJobId);
            Assert.Equal("testnode", r.Node);
            Assert.Equal("exact", r.WaitStatus);
            Assert.InRange(r.StartTime!.Value, before, after);
            Assert.InRange(r.EndTime!.Value, r.StartTime.Value, after);
            Assert.True(r.ProcessId > 0);
        });
        Assert.Equal(0, records[0].ExitCode);
        Assert.Equal("out\n", File.ReadAllText(dir.OutPath("0.1")));
        Assert.Equal("err\n", File.ReadAllText(dir.ErrPath("0.1")));
        Assert.Equal(3, records[1].ExitCode);
        Assert.Null(records[1].Signal);
        // The pid recorded is the command's own shell.
        Assert.Equal(records[2].ProcessId.ToString(), File.ReadAllText(dir.OutPath("2.1")).Trim());
        // From the real wait status: killed by 9 is not the same as exiting with 137.
        Assert.Equal(137, records[3].ExitCode);
        Assert.Equal(9, records[3].Signal);
        Assert.Equal(137, records[4].ExitCode);
        Assert.Null(records[4].Signal);
        // The start record holds the same task, node and pid.
        var start = dir.ReadStart("2.1")!;
        Assert.Equal(records[2].ProcessId, start.ProcessId);
        Assert.Equal("77_4", start.ClusterJobId);
        Assert.False(start.IsResult);
        // Records are renamed into place: no temporary file is left behind.
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "result"), ".*"));
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "run"), "*.tmp"));
    }

    [Fact]
    public void WithoutPerlTheShellsStatusIsRecordedAndSaysSo()
    {
        SkipWithoutPosixShell();
        using var temp = new TempDir();
        var dir = new SlurmRunDirectory(temp.Combine("run"));
        dir.WriteCommand(0, "kill -9 $$");
        dir.WriteCommand(1, "echo $$; exit 5");
        dir.WriteBatch(new[] { "0.1", "1.1" });
        dir.MarkComplete();
        // A PATH with the tools the script needs, but no perl.
        string bin = temp.Combine("bin");
        Directory.CreateDirectory(bin);
        foreach (var tool in new[] { "sh", "date", "mkdir", "mv", "cat", "uname", "sleep" })
            File.CreateSymbolicLink(Path.Combine(bin, tool), Which(tool));

        RunTask(dir, taskId: 0, budget: 60, path: bin);

        var killed = dir.ReadResult("0.1")!;
        Assert.Equal("shell", killed.WaitStatus);
        Assert.Equal(137, killed.ExitCode);
        Assert.Equal(9, killed.Signal);
        var exited = dir.ReadResult("1.1")!;
        Assert.Equal(5, exited.ExitCode);
        Assert.Null(exited.Signal);
        Assert.Equal(exited.ProcessId.ToString(), File.ReadAllText(dir.OutPath("1.1")).Trim());
    }

    [Fact]
    public void TasksSharingABatchRunEachCommandExactlyOnce()
    {
        SkipWithoutPosixShell();
        using var temp = new TempDir();
        var dir = new SlurmRunDirectory(temp.Combine("run"));
        const int count = 60;
        for (int i = 0; i < count; i++) dir.WriteCommand(i, "echo $PARALLELJOBS_INDEX >> " + temp.Combine("ran.txt"));
        dir.WriteBatch(Enumerable.Range(0, count).Select(i => SlurmRunDirectory.Item(i, 1)).ToList());
        dir.MarkComplete();

        var tasks = Enumerable.Range(0, 4).Select(t => StartTask(dir, t, budget: 600)).ToList();
        foreach (var p in tasks) { Assert.True(p.WaitForExit(60_000), "a task did not end"); p.Dispose(); }

        var ran = File.ReadAllLines(temp.Combine("ran.txt")).Select(int.Parse).OrderBy(i => i).ToList();
        Assert.Equal(Enumerable.Range(0, count).ToList(), ran);
        var records = Enumerable.Range(0, count).Select(i => dir.ReadResult(SlurmRunDirectory.Item(i, 1))).ToList();
        Assert.All(records, r => Assert.Equal(0, r!.ExitCode));
        // More than one task did the work.
        Assert.True(records.Select(r => r!.ClusterJobId).Distinct().Count() > 1);
    }

    [Fact]
    public void WithNoBudgetATaskRunsOneCommandAndLeavesTheRest()
    {
        SkipWithoutPosixShell();
        using var temp = new TempDir();
        var dir = new SlurmRunDirectory(temp.Combine("run"));
        for (int i = 0; i < 3; i++) dir.WriteCommand(i, "true");
        dir.WriteBatch(new[] { "0.1", "1.1", "2.1" });
        dir.MarkComplete();

        RunTask(dir, taskId: 0, budget: 0);
        Assert.Equal(new[] { "0.1" }, dir.ListResults().ToArray());
        RunTask(dir, taskId: 1, budget: 0);
        Assert.Equal(new[] { "0.1", "1.1" }, dir.ListResults().OrderBy(s => s).ToArray());
    }

    [Fact]
    public void ATaskTakesCommandsOfLaterBatchesAndRetriedAttempts()
    {
        SkipWithoutPosixShell();
        using var temp = new TempDir();
        var dir = new SlurmRunDirectory(temp.Combine("run"));
        dir.WriteCommand(0, "exit 1");
        dir.WriteCommand(1, "true");
        dir.WriteBatch(new[] { "0.1" });
        dir.WriteBatch(new[] { "1.1", "0.2" });
        dir.MarkComplete();

        RunTask(dir, taskId: 0, budget: 60);

        Assert.Equal(new[] { "0.1", "0.2", "1.1" }, dir.ListResults().OrderBy(s => s).ToArray());
        Assert.Equal(1, dir.ReadResult("0.2")!.ExitCode);
    }

    [Fact]
    public void ACommandOfSeveralLinesRunsAsWritten()
    {
        SkipWithoutPosixShell();
        using var temp = new TempDir();
        var dir = new SlurmRunDirectory(temp.Combine("run"));
        dir.WriteCommand(0, "printf '%s\\n' 'a  b\\c'\nx=\"$(printf '%s' q)\"\n  echo \"last $x\"");
        dir.WriteBatch(new[] { "0.1" });
        dir.MarkComplete();

        RunTask(dir, taskId: 0, budget: 60);

        Assert.Equal(0, dir.ReadResult("0.1")!.ExitCode);
        Assert.Equal("a  b\\c\nlast q\n", File.ReadAllText(dir.OutPath("0.1")));
    }

    [Fact]
    public void AnUnreadableCommandFileIsRecordedAsAProblem()
    {
        SkipWithoutPosixShell();
        using var temp = new TempDir();
        var dir = new SlurmRunDirectory(temp.Combine("run"));
        dir.WriteBatch(new[] { "5.1" }); // no cmd/5
        dir.MarkComplete();

        RunTask(dir, taskId: 0, budget: 60);

        var record = dir.ReadResult("5.1")!;
        Assert.Equal(127, record.ExitCode);
        Assert.Contains("cannot read", record.Problem);
    }

    [Fact]
    public void AnIdleTaskWaitsForMoreInputUntilTheRunIsComplete()
    {
        SkipWithoutPosixShell();
        using var temp = new TempDir();
        var dir = new SlurmRunDirectory(temp.Combine("run"));
        dir.WriteCommand(0, "true");
        dir.WriteBatch(new[] { "0.1" });
        using var task = StartTask(dir, 0, budget: 600, linger: 30);
        WaitFor(() => dir.ReadResult("0.1") != null);
        Assert.False(task.HasExited, "the task ended while more input could still come");

        dir.WriteCommand(1, "true");
        dir.WriteBatch(new[] { "1.1" });
        dir.MarkComplete();

        Assert.True(task.WaitForExit(20_000), "the task did not end once the run was complete");
        Assert.NotNull(dir.ReadResult("1.1"));
        Assert.Equal("77_0", dir.ReadResult("1.1")!.ClusterJobId);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AStoppedCommandIsSignalledAndTheTaskGoesOnWithTheNextOne(bool withPerl)
    {
        SkipWithoutPosixShell();
        using var temp = new TempDir();
        var dir = new SlurmRunDirectory(temp.Combine("run"));
        // With perl the command's process group is signalled, so its children end too; the shell alone can only
        // signal the command's shell, so there the command is the sleep itself (nothing is left behind either way).
        string mark = Guid.NewGuid().ToString("N");
        dir.WriteCommand(0, withPerl ? $"export PJ_MARK={mark}; echo begin; sleep 600; echo never" : "echo begin; exec sleep 600");
        dir.WriteCommand(1, "echo next");
        dir.WriteBatch(new[] { "0.1", "1.1" });
        dir.MarkComplete();
        using var task = StartTask(dir, 0, budget: 600, grace: 2, path: withPerl ? null : PathWithoutPerl(temp));
        WaitFor(() => dir.ReadStart("0.1") != null);
        var start = dir.ReadStart("0.1")!;

        dir.WriteCancel("0.1");

        Assert.True(task.WaitForExit(20_000), "the task did not go on after the command was stopped");
        var stopped = dir.ReadResult("0.1")!;
        Assert.Equal("running", stopped.Cancelled);
        Assert.Equal((143, (int?)15), (stopped.ExitCode!.Value, stopped.Signal));
        Assert.Equal("begin\n", File.ReadAllText(dir.OutPath("0.1")));
        // The task went on: the next command ran in it, after the stopped one.
        var next = dir.ReadResult("1.1")!;
        Assert.Null(next.Cancelled);
        Assert.Equal((0, "77_0"), (next.ExitCode!.Value, next.ClusterJobId));
        if (withPerl)
        {
            // The command's whole process group was signalled, not only its shell: no sleep is left.
            Assert.DoesNotContain(Process.GetProcessesByName("sleep"), p => EnvironOf(p.Id).Contains(mark));
            Assert.False(Directory.Exists("/proc/" + start.ProcessId), "the stopped command's shell is still there");
        }
    }

    [Fact]
    public void ACommandStoppedBeforeItStartsNeverRuns()
    {
        SkipWithoutPosixShell();
        using var temp = new TempDir();
        var dir = new SlurmRunDirectory(temp.Combine("run"));
        string ran = temp.Combine("ran");
        dir.WriteCommand(0, "touch " + ran);
        dir.WriteCommand(1, "true");
        dir.WriteCommand(2, "touch " + ran + "2");
        dir.WriteBatch(new[] { "0.1", "1.1", "2.1" });
        dir.MarkComplete();
        // 0.1: a task had taken it when the stop came; 2.1: the module took it itself, so no task ever will.
        dir.WriteCancel("0.1");
        Assert.True(dir.TryClaim("2.1"));
        Assert.False(dir.TryClaim("2.1"));

        RunTask(dir, taskId: 0, budget: 60);

        Assert.False(File.Exists(ran), "a stopped command ran");
        Assert.False(File.Exists(ran + "2"), "a command the module took ran");
        var record = dir.ReadResult("0.1")!;
        Assert.Equal("before", record.Cancelled);
        Assert.Equal(0, dir.ReadResult("1.1")!.ExitCode);
        Assert.Null(dir.ReadResult("2.1"));
    }

    [Fact]
    public void ARequeuedTaskSaysSoWhenItStartsAgain()
    {
        SkipWithoutPosixShell();
        using var temp = new TempDir();
        var dir = new SlurmRunDirectory(temp.Combine("run"));
        dir.WriteCommand(0, "true");
        dir.WriteBatch(new[] { "0.1" });
        dir.MarkComplete();

        RunTask(dir, taskId: 0, budget: 60, restarts: 2);

        Assert.Equal(2, dir.ReadRequeues()["81"]);
        Assert.Equal(2, dir.ReadResult("0.1")!.Restart);
        RunTask(dir, taskId: 1, budget: 60);
        Assert.DoesNotContain("82", dir.ReadRequeues().Keys);
    }

    private static string EnvironOf(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/environ"); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    /// <summary>A directory with the tools the script needs, but no perl, to put on PATH.</summary>
    private static string PathWithoutPerl(TempDir temp)
    {
        string bin = temp.Combine("bin");
        Directory.CreateDirectory(bin);
        foreach (var tool in new[] { "sh", "date", "mkdir", "mv", "cat", "uname", "sleep" })
            File.CreateSymbolicLink(Path.Combine(bin, tool), Which(tool));
        return bin;
    }

    private static void WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the task");
            Thread.Sleep(50);
        }
    }

    internal static void SkipWithoutPosixShell()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("the Slurm task script is POSIX sh (Slurm nodes are Unix)");
    }

    private static string Which(string tool)
    {
        foreach (var d in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'))
        {
            string p = Path.Combine(d, tool);
            if (File.Exists(p)) return p;
        }
        throw new InvalidOperationException(tool + " is not on PATH");
    }

    private static void RunTask(SlurmRunDirectory dir, int taskId, int budget, int linger = 0, string? path = null, int restarts = 0)
    {
        using var p = StartTask(dir, taskId, budget, linger, path, restarts: restarts);
        Assert.True(p.WaitForExit(60_000), "the task script did not end");
        Assert.Equal(0, p.ExitCode);
    }

    private static Process StartTask(SlurmRunDirectory dir, int taskId, int budget, int linger = 0, string? path = null, int grace = 10, int restarts = 0)
    {
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add(dir.ScriptPath);
        psi.ArgumentList.Add(dir.Path);
        psi.ArgumentList.Add(budget.ToString());
        psi.ArgumentList.Add(linger.ToString());
        psi.ArgumentList.Add(grace.ToString());
        if (restarts > 0) psi.Environment["SLURM_RESTART_COUNT"] = restarts.ToString();
        psi.Environment["SLURM_ARRAY_JOB_ID"] = "77";
        psi.Environment["SLURM_ARRAY_TASK_ID"] = taskId.ToString();
        psi.Environment["SLURM_JOB_ID"] = (81 + taskId).ToString();
        psi.Environment["SLURMD_NODENAME"] = "testnode";
        if (path != null) psi.Environment["PATH"] = path;
        return Process.Start(psi)!;
    }
}
