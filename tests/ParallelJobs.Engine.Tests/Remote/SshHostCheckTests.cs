using ParallelJobs.Remote;

namespace ParallelJobs.Engine.Tests.Remote;

/// <summary>The start-up check of a host, against the real loopback sshd hosts.</summary>
[Collection(nameof(SshHostsGroup))]
public class SshHostCheckTests
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(60);

    private static SshConnections Connections(params string[] options)
    {
        var settings = new SshSettings { ConfigFile = SshTestHosts.ConfigFile };
        foreach (var o in options) settings.Options.Add(o);
        return new SshConnections(settings);
    }

    [Fact]
    public void AReachableHost_ReportsItsProcessorCount_AndKeepsAMasterConnection()
    {
        SshTestHosts.Require();
        using var ssh = Connections();
        var host = SshHost.Parse("auto/127.0.0.2");
        var check = ssh.Check(host, CheckTimeout);

        Assert.True(check.IsReachable, check.Reason);
        // The hosts are this machine: the same answer as getconf here.
        Assert.Equal(int.Parse(SshTestHosts.Run("getconf", "_NPROCESSORS_ONLN").Output.Trim()), check.Processors);
        var master = SshTestHosts.Run("ssh", ssh.ControlArguments(host, "check").ToArray());
        Assert.True(master.ExitCode == 0, "no master connection after the check: " + master.Error);
        Assert.Contains("Master running", master.Error);

        string dir = ssh.ControlDirectory!;
        ssh.Dispose();
        Assert.False(Directory.Exists(dir));
        Assert.NotEqual(0, SshTestHosts.Run("ssh", "-F", SshTestHosts.ConfigFile, "-o", "ControlPath=" + dir + "/%C", "-O", "check", "127.0.0.2").ExitCode);
    }

    [Fact]
    public void ARefusedConnection_IsAHostFailure_WithSshsReason()
    {
        SshTestHosts.Require();
        using var ssh = Connections();
        // A loopback port where no test host listens.
        var check = ssh.Check(SshHost.Parse("127.0.0.3:" + (SshTestHosts.Port + 7)), CheckTimeout);
        Assert.False(check.IsReachable);
        Assert.Equal(255, check.SshExitCode);
        Assert.Contains("Connection refused", check.Reason);
    }

    [Fact]
    public void AnUnknownUser_IsAHostFailure_WithSshsReason()
    {
        SshTestHosts.Require();
        using var ssh = Connections();
        var check = ssh.Check(SshHost.Parse("nobody-here@127.0.0.2"), CheckTimeout);
        Assert.False(check.IsReachable);
        Assert.Equal(255, check.SshExitCode);
        Assert.Contains("Permission denied", check.Reason);
    }

    [Fact]
    public void AnUnknownHostKey_IsAHostFailure_WithSshsReason()
    {
        SshTestHosts.Require();
        string empty = Path.Combine(Path.GetTempPath(), "pj-known-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(empty, "");
        try
        {
            using var ssh = Connections("UserKnownHostsFile=" + empty, "StrictHostKeyChecking=yes");
            var check = ssh.Check(SshHost.Parse("127.0.0.2"), CheckTimeout);
            Assert.False(check.IsReachable);
            Assert.Equal(255, check.SshExitCode);
            Assert.Contains("Host key verification failed", check.Reason);
        }
        finally
        {
            File.Delete(empty);
        }
    }
}

[Collection(nameof(SshHostsGroup))]
public class SshHostCheckAllTests
{
    [Fact]
    public void CheckAll_ChecksEveryHost_InOrder_TheLocalEntryWithoutSsh()
    {
        SshTestHosts.Require();
        using var ssh = new SshConnections(new SshSettings { ConfigFile = SshTestHosts.ConfigFile });
        var hosts = SshHost.ParseAll(new[] { "127.0.0.1", ":", "127.0.0.3:" + (SshTestHosts.Port + 7), "127.0.0.2" });
        var checks = ssh.CheckAll(hosts, TimeSpan.FromSeconds(60));
        Assert.Equal(hosts, checks.Select(c => c.Host));
        Assert.Equal(new[] { true, true, false, true }, checks.Select(c => c.IsReachable));
        Assert.Equal(Environment.ProcessorCount, checks[1].Processors);
        Assert.Contains("Connection refused", checks[2].Reason);
    }
}
