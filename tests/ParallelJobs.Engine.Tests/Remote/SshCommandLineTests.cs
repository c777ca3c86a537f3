using ParallelJobs.Remote;

namespace ParallelJobs.Engine.Tests.Remote;

/// <summary>The ssh command line, built without running anything.</summary>
public class SshCommandLineTests
{
    [Fact]
    public void EntryUserAndPort_ThenUserOptions_ThenDefaults_ThenHostAndOneCommandString()
    {
        var settings = new SshSettings { ConfigFile = "/etc/pj/ssh config", ShareConnections = true };
        settings.Options.Add("ConnectTimeout=3");
        settings.Options.Add(" Compression yes ");
        using var ssh = new SshConnections(settings);
        var args = ssh.Arguments(SshHost.Parse("2/alice@node1:2222"), "echo 'a b'");

        Assert.Equal(new[] { "-F", "/etc/pj/ssh config", "-l", "alice", "-p", "2222", "-o", "ConnectTimeout=3", "-o", "Compression yes" }, args.Take(10));
        // ssh keeps the first value it reads: the user's ConnectTimeout comes before the default one.
        int userTimeout = args.ToList().IndexOf("ConnectTimeout=3");
        int defaultTimeout = args.ToList().FindIndex(a => a.StartsWith("ConnectTimeout=15"));
        Assert.True(userTimeout < defaultTimeout);
        Assert.Contains("BatchMode=yes", args);
        Assert.Contains("ControlMaster=auto", args);
        Assert.Contains(args, a => a.StartsWith("ControlPersist="));
        Assert.Equal(new[] { "-T", "--", "node1", "echo 'a b'" }, args.Skip(args.Count - 4));
    }

    [Fact]
    public void ControlPath_IsInAPrivateShortDirectory()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("no connection sharing on Windows");
        using var ssh = new SshConnections(new SshSettings());
        var args = ssh.Arguments(SshHost.Parse("node1"), "true");
        string path = args.Single(a => a.StartsWith("ControlPath=")).Substring("ControlPath=".Length);
        string dir = Path.GetDirectoryName(path)!;
        Assert.Equal("%C", Path.GetFileName(path));
        // A unix socket path holds at most 104 bytes on macOS; ssh adds 17 while creating it; %C is 40 hex digits.
        Assert.True(dir.Length + 1 + 40 + 17 <= 104, dir);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        ssh.Dispose();
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void WithoutSharing_NoControlOptions()
    {
        using var ssh = new SshConnections(new SshSettings { ShareConnections = false });
        var args = ssh.Arguments(SshHost.Parse("node1"), "true");
        Assert.DoesNotContain(args, a => a.StartsWith("Control"));
        Assert.Null(ssh.ControlDirectory);
    }

    [Fact]
    public void IPv6Host_IsPassedBare()
    {
        using var ssh = new SshConnections(new SshSettings { ShareConnections = false });
        var args = ssh.Arguments(SshHost.Parse("[::1]:2200"), "true");
        Assert.Equal("::1", args[^2]);
        Assert.Equal("2200", args[args.ToList().IndexOf("-p") + 1]);
    }

    [Fact]
    public void TheLocalEntry_HasNoSshCommandLine()
    {
        using var ssh = new SshConnections(new SshSettings());
        Assert.Throws<ArgumentException>(() => ssh.Arguments(SshHost.Parse(":"), "true"));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("BatchMode", "is not of the form Key=Value")]
    [InlineData("=yes", "is not of the form Key=Value")]
    [InlineData("-oBatchMode=no", "an ssh option name has letters and digits only")]
    [InlineData("Proxy-Command=x", "an ssh option name has letters and digits only")]
    [InlineData("User=", "has no value")]
    [InlineData("User=a\nProxyCommand=x", "control character")]
    public void BadOptions_AreRefused_NamingThem(string option, string expected)
    {
        var settings = new SshSettings();
        settings.Options.Add(option);
        var e = Assert.Throws<ArgumentException>(() => new SshConnections(settings));
        Assert.Contains(expected, e.Message);
        Assert.Contains("'" + option + "'", e.Message);
    }
}
