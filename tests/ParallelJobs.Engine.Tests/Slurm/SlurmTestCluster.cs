using System.Diagnostics;

namespace ParallelJobs.Engine.Tests.Slurm;

/// <summary>
/// The real single-node Slurm cluster of tests/infra/slurm-cluster.sh, found through SLURM_CONF (or the
/// script's default state directory). Tests that need it call <see cref="Require"/>: without a cluster they
/// are skipped with the reason, except under CI=true, where .ci/run starts one and its absence is a failure.
/// </summary>
internal static class SlurmTestCluster
{
    private const string StartHint = "start one with: tests/infra/slurm-cluster.sh start (then export SLURM_CONF as it prints)";
    private static readonly Lazy<(string? Conf, string? Problem)> Probe = new(Find);

    /// <summary>The slurm.conf of the test cluster; skips (or fails under CI=true) when there is no usable cluster.</summary>
    public static string Require()
    {
        var (conf, problem) = Probe.Value;
        if (conf != null) return conf;
        string message = "no Slurm test cluster: " + problem + "; " + StartHint;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail(message + " (CI=true: .ci/run starts the cluster, so its absence is an error)");
        Assert.Skip(message);
        return "";
    }

    private static (string?, string?) Find()
    {
        string? conf = Environment.GetEnvironmentVariable("SLURM_CONF");
        if (string.IsNullOrEmpty(conf))
        {
            string state = Environment.GetEnvironmentVariable("PARALLELJOBS_SLURM_STATE") ?? "/tmp/parallel-jobs-slurm";
            conf = Path.Combine(state, "slurm.conf");
        }
        if (!File.Exists(conf)) return (null, $"{conf} does not exist");
        var run = Run(conf, "sinfo", "-h", "-o", "%T");
        if (run.ExitCode != 0) return (null, $"sinfo with SLURM_CONF={conf} failed: {run.Error.Trim()}");
        string state0 = run.Output.Trim();
        if (state0 is not ("idle" or "mixed" or "allocated" or "completing"))
            return (null, $"the node of {conf} is '{state0}', not idle");
        return (conf, null);
    }

    /// <summary>Runs a Slurm client command against the test cluster (10 s limit).</summary>
    public static (int ExitCode, string Output, string Error) Run(string conf, string program, params string[] arguments) =>
        Run(conf, TimeSpan.FromSeconds(10), program, arguments);

    public static (int ExitCode, string Output, string Error) Run(string conf, TimeSpan limit, string program, params string[] arguments)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        psi.Environment["SLURM_CONF"] = conf;
        Process process;
        try { process = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e) { return (-1, "", program + ": " + e.Message); }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(limit))
            {
                process.Kill(true);
                return (-1, "", $"{program} did not answer within {limit.TotalSeconds} s");
            }
            return (process.ExitCode, output.Result, error.Result);
        }
    }
}
