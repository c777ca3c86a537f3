using System.Diagnostics;
using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;

namespace ParallelJobs.Engine.Tests.Output;

/// <summary>One run per output directory, and a directory that disappears mid-run.</summary>
public class OutputDirectoryOwnershipTests
{
    [Fact]
    public void ASecondRunInTheSameDirectory_IsRefused_WhileTheFirstHoldsIt_AndItsFilesAreLeftAlone()
    {
        using var dir = new TempDir();
        string output = dir.Combine("out");
        using (var first = new ParallelRun(new RunOptions { ThrottleLimit = 1, OutputDirectory = output }))
        {
            first.Add(Sh("echo first"));
            var e = Assert.Throws<OutputDirectoryInUseException>(() => new ParallelRun(new RunOptions { ThrottleLimit = 1, OutputDirectory = output }));
            Assert.Contains($"'{output}'", e.Message);
            Assert.Contains("in use by another run", e.Message);
            first.CompleteAdding();
            var (results, _) = Drain(first);
            Assert.Equal(CommandStatus.Succeeded, results.Single().Status);
        }
        Assert.Equal("first\n", File.ReadAllText(Path.Combine(output, "slot-0.out")));

        // Once the first run has ended, the directory is free again.
        var (again, _) = Run(new RunOptions { ThrottleLimit = 1, OutputDirectory = output }, new[] { Sh("echo second") });
        Assert.Equal(CommandStatus.Succeeded, again.Single().Status);
        Assert.Equal("second\n", File.ReadAllText(Path.Combine(output, "slot-0.out")));
    }

    [Fact]
    public void ALockLeftByAKilledProcess_DoesNotBlockTheNextRun()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) Assert.Skip("holds the lock with flock(1)");
        string? flock = new[] { "/usr/bin/flock", "/bin/flock" }.FirstOrDefault(File.Exists);
        if (flock == null)
        {
            if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail("CI=true, yet flock(1) (util-linux) is not installed");
            Assert.Skip("flock(1) (util-linux) is not installed");
        }
        using var dir = new TempDir();
        string output = dir.Combine("out");
        Directory.CreateDirectory(output);
        string lockFile = Path.Combine(output, OutputDirectoryInUseException.LockFileName);

        // A process that takes the directory's lock the way a run does (flock, exclusive) and then dies.
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
        foreach (var a in new[] { "-c", $"exec 9>>\"$0\"; {flock} -x 9; echo locked; exec sleep 600", lockFile }) psi.ArgumentList.Add(a);
        using var holder = Process.Start(psi)!;
        try
        {
            Assert.Equal("locked", holder.StandardOutput.ReadLine());
            Assert.Throws<OutputDirectoryInUseException>(() => new ParallelRun(new RunOptions { ThrottleLimit = 1, OutputDirectory = output }));
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }

        Assert.True(File.Exists(lockFile), "the killed holder left its lock file behind");
        var (results, _) = Run(new RunOptions { ThrottleLimit = 1, OutputDirectory = output }, new[] { Sh("echo after") });
        Assert.Equal(CommandStatus.Succeeded, results.Single().Status);
        Assert.Equal("after\n", File.ReadAllText(Path.Combine(output, "slot-0.out")));
    }

    [Fact]
    public void ADirectoryRemovedMidRun_IsSaidOnce_AndEveryCommandThatLostOutputSaysSo()
    {
        using var dir = new TempDir();
        string output = dir.Combine("out");
        string gate = dir.Combine("gate");
        string started = dir.Combine("started");
        string waitForGate = $"while [ ! -f '{gate}' ]; do sleep 0.01; done";
        // Every command here must be read to its end: no drain period cuts a slow reader short on a busy machine.
        using var run = new ParallelRun(new RunOptions { ThrottleLimit = 3, OutputDirectory = output, OutputDrainPeriod = TimeSpan.FromMinutes(2) });
        // Slot 0 removes the directory once slot 1 runs; slot 1's file was open before, and is deleted under it.
        run.Add(Sh($"while [ ! -f '{started}' ]; do sleep 0.01; done; rm -rf '{output}'"));
        run.Add(Sh($"{waitForGate}; echo one"));
        var (results, events) = Drain(run, (r, e) =>
        {
            if (e.Kind == RunEventKind.CommandStarted && e.Index == 1) File.WriteAllText(started, "");
            if (e.Kind != RunEventKind.CommandFinished) return;
            if (e.Index == 0)
            {
                r.Add(Sh($"{waitForGate}; echo two")); // slot 0 again, its file deleted
                r.Add(Sh("echo three"));               // slot 2: first used now, its files cannot be made
                r.CompleteAdding();
            }
            else if (e.Index == 3) File.WriteAllText(gate, "");
        });

        var byIndex = results.ToDictionary(r => r.Index);
        Assert.Equal(4, byIndex.Count);
        Assert.All(results, r => Assert.Equal(CommandStatus.Succeeded, r.Status));
        Assert.Equal(new[] { 0, 1, 0, 2 }, new[] { 0, 1, 2, 3 }.Select(i => byIndex[i].Slot));
        Assert.Null(byIndex[0].OutputWriteError); // it wrote nothing
        foreach (int i in new[] { 1, 2, 3 })
        {
            Assert.NotNull(byIndex[i].OutputWriteError);
            Assert.Contains($"'{output}/slot-{byIndex[i].Slot}.out'", byIndex[i].OutputWriteError);
        }
        var warning = Assert.Single(events, e => e.Kind == RunEventKind.Warning);
        Assert.Contains($"'{output}'", warning.Message);
        Assert.Contains("removed", warning.Message);
    }
}
