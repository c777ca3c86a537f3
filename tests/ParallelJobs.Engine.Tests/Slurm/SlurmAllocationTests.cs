using System.Text.RegularExpressions;
using ParallelJobs.Scheduling;

namespace ParallelJobs.Engine.Tests.Slurm;

/// <summary>
/// A Slurm run inside an allocation (as in an salloc shell): each command is a job step of it, run through srun,
/// with the node, the step's pid and the step id on its result; a time-out stops the step, not only srun.
/// </summary>
public sealed class SlurmAllocationTests
{
    [Fact]
    public void CommandsRunAsJobStepsOfTheAllocationAndNameTheirNodeAndStep()
    {
        string conf = SlurmTestCluster.Require();
        string allocation = Allocate(conf);
        try
        {
            using var temp = new TempDir();
            var options = Options(conf, allocation, temp.Path);
            var specs = new[]
            {
                RunDriver.Sh("echo \"$SLURM_JOB_ID $$\""),
                RunDriver.Sh("exit 3"),
                CommandSpec.Program("printf", new[] { "%s|", "a b", "{}" }, "it's"),
            };

            var (results, _) = RunDriver.Run(options, specs);

            string node = SlurmTestCluster.Run(conf, "sinfo", "-h", "-o", "%N").Output.Trim();
            Assert.All(results, r =>
            {
                Assert.Equal(node, r.ComputerName);
                Assert.Matches("^" + Regex.Escape(allocation) + @"\.\d+$", r.ClusterJobId);
            });
            // The shell's $$ on the node is the pid the result shows: the step's command, not the local srun.
            Assert.Equal(new[] { allocation + " " + results[0].ProcessId }, results[0].Output);
            Assert.Equal((CommandStatus.Failed, (int?)3), (results[1].Status, results[1].ExitCode));
            Assert.Equal(new[] { "a b|it's|" }, results[2].Output);
            Assert.Equal(3, results.Select(r => r.ClusterJobId).Distinct().Count());
        }
        finally
        {
            SlurmTestCluster.Run(conf, "scancel", allocation);
        }
    }

    [Fact]
    public void ATimedOutStepIsStoppedInSlurmNotOnlyLocally()
    {
        string conf = SlurmTestCluster.Require();
        string allocation = Allocate(conf);
        try
        {
            using var temp = new TempDir();
            var options = Options(conf, allocation, temp.Path);
            options.Timeout = TimeSpan.FromSeconds(2);

            var (results, _) = RunDriver.Run(options, new[] { RunDriver.Sh("sleep 300") });

            Assert.Equal(CommandStatus.TimedOut, results[0].Status);
            // Slurm records a step's end on its own schedule; no event says so: ask until it lists none (bounded).
            var deadline = DateTime.UtcNow.AddSeconds(60);
            string steps;
            while ((steps = SlurmTestCluster.Run(conf, "squeue", "-h", "-s", "-j", allocation, "-o", "%i %T").Output.Trim()).Length > 0
                   && DateTime.UtcNow < deadline)
                Thread.Sleep(500);
            Assert.Equal("", steps);
        }
        finally
        {
            SlurmTestCluster.Run(conf, "scancel", allocation);
        }
    }

    private static RunOptions Options(string conf, string allocation, string directory)
    {
        var o = new RunOptions { Slurm = true, SlurmAllocation = allocation, ThrottleLimit = 2, KeepOrder = true, WorkingDirectory = directory };
        o.Environment["SLURM_CONF"] = conf;
        return o;
    }

    /// <summary>An allocation of 2 tasks, as salloc makes for a shell, held without one.</summary>
    private static string Allocate(string conf)
    {
        var (code, output, error) = SlurmTestCluster.Run(conf, TimeSpan.FromSeconds(120), "salloc", "--no-shell", "--ntasks=2", "--time=10", "--job-name=pj-allocation-test");
        var m = Regex.Match(output + error, @"Granted job allocation (\d+)");
        Assert.True(code == 0 && m.Success, $"salloc failed ({code}): {error}");
        return m.Groups[1].Value;
    }
}
