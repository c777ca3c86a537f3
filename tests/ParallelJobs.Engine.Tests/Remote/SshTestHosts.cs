using System.Diagnostics;
using System.Text;

namespace ParallelJobs.Engine.Tests.Remote;

/// <summary>
/// The loopback sshd hosts started by tests/infra/ssh-hosts.sh (one per address, see that script).
/// The tests find them through PJ_SSH_CONFIG (the client config for ssh -F) as exported by
/// `ssh-hosts.sh env`. Where they are not available the tests skip with the reason, except under
/// CI=true, where .ci/run starts them and a missing host is a failure.
/// </summary>
internal static class SshTestHosts
{
    private static readonly Lazy<string?> Problem = new(Probe);

    /// <summary>The three simulated hosts; all report the same hostname, only $SSH_CONNECTION tells them apart.</summary>
    public static string[] Hosts =>
        (Environment.GetEnvironmentVariable("PJ_SSH_HOSTS") ?? "127.0.0.1 127.0.0.2 127.0.0.3")
        .Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static string ConfigFile => Environment.GetEnvironmentVariable("PJ_SSH_CONFIG") ?? "";

    /// <summary>Where the script keeps keys, configs and one folder per host with its sshd.log.</summary>
    public static string StateDirectory =>
        Environment.GetEnvironmentVariable("PJ_SSH_STATE") ?? Path.GetDirectoryName(ConfigFile)!;

    public static int Port =>
        int.TryParse(Environment.GetEnvironmentVariable("PJ_SSH_PORT"), out int p) ? p : 22022;

    public static string Script => Path.Combine(RepositoryPaths.Root, "tests", "infra", "ssh-hosts.sh");

    public static string HostLog(string address, int? port = null) =>
        Path.Combine(StateDirectory, "hosts", address + "-" + (port ?? Port), "sshd.log");

    /// <summary>Skips the calling test (fails it under CI=true) unless the hosts answer.</summary>
    public static void Require()
    {
        string? problem = Problem.Value;
        if (problem == null) return;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail("CI=true, so the SSH test hosts must be available: " + problem);
        Assert.Skip(problem);
    }

    private static string? Probe()
    {
        const string how = "start them with `tests/infra/ssh-hosts.sh start` (root) and " +
                           "`eval \"$(tests/infra/ssh-hosts.sh env)\"`, as .ci/run does";
        if (OperatingSystem.IsWindows()) return "the loopback sshd test hosts run on Linux only";
        string config = ConfigFile;
        if (config.Length == 0) return "PJ_SSH_CONFIG is not set, so there are no SSH test hosts: " + how;
        if (!File.Exists(config)) return $"PJ_SSH_CONFIG names '{config}', which does not exist: " + how;
        var r = Run("ssh", "-F", config, Hosts[0], "true");
        if (r.ExitCode != 0)
            return $"the SSH test host {Hosts[0]} does not answer (ssh exit {r.ExitCode}: {r.Error.Trim()}): " + how;
        return null;
    }

    /// <summary>Runs a program to its end (bounded: a hung ssh fails the test instead of hanging it).</summary>
    public static (int ExitCode, string Output, string Error) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            throw new TimeoutException($"{file} {string.Join(" ", args)} did not end within 60 s");
        }
        p.WaitForExit();
        return (p.ExitCode, output.Result, error.Result);
    }

    /// <summary>Runs the host script (start-host, stop-host, status ...).</summary>
    public static string RunScript(params string[] args)
    {
        var r = Run("bash", new[] { Script }.Concat(args).ToArray());
        if (r.ExitCode != 0) throw new InvalidOperationException($"ssh-hosts.sh {string.Join(" ", args)} failed ({r.ExitCode}): {r.Error}");
        return r.Output;
    }
}

/// <summary>
/// The SSH tests run one at a time: some kill a host's sshd or count its log lines, which concurrent
/// SSH tests would disturb.
/// </summary>
[CollectionDefinition(nameof(SshHostsGroup), DisableParallelization = true)]
public sealed class SshHostsGroup { }
