namespace ParallelJobs.Engine.Tests.Slurm;

/// <summary>The test cluster itself: what the Slurm engine relies on must hold there.</summary>
public sealed class SlurmTestClusterTests
{
    [Fact]
    public void BatchJobRunsAndItsExitCodeStaysReadableFromTheJobCompletionFile()
    {
        string conf = SlurmTestCluster.Require();
        using var dir = new TempDir();
        // sbatch --wait ends with the job's own exit code.
        var submit = SlurmTestCluster.Run(conf, TimeSpan.FromSeconds(60), "sbatch", "--parsable", "--wait",
            "--output=" + dir.Combine("job.out"), "--wrap", "echo on $SLURMD_NODENAME; exit 3");
        Assert.Equal(3, submit.ExitCode);
        string jobId = submit.Output.Trim().Split(';')[0];
        Assert.Equal("on pjnode", File.ReadAllText(dir.Combine("job.out")).Trim());

        // Without an accounting database, sacct -c reads finished jobs from jobcomp/filetxt.
        var sacct = SlurmTestCluster.Run(conf, "sacct", "-c", "-n", "-P", "-j", jobId, "-o", "JobID,State,ExitCode");
        Assert.Equal(0, sacct.ExitCode);
        Assert.Equal(jobId + "|FAILED|3:0", sacct.Output.Trim());
    }
}
