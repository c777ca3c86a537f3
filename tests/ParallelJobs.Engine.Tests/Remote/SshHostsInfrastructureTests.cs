namespace ParallelJobs.Engine.Tests.Remote;

/// <summary>The test hosts themselves: each is a separate sshd on its own loopback address.</summary>
[Collection(nameof(SshHostsGroup))]
public class SshHostsInfrastructureTests
{
    [Fact]
    public void EachHostAnswersOnItsOwnAddress_AsTheTestUser()
    {
        SshTestHosts.Require();
        foreach (string host in SshTestHosts.Hosts)
        {
            var r = SshTestHosts.Run("ssh", "-F", SshTestHosts.ConfigFile, host, "echo \"$SSH_CONNECTION\"; id -u");
            Assert.True(r.ExitCode == 0, $"ssh {host}: exit {r.ExitCode}: {r.Error}");
            var lines = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            // $SSH_CONNECTION: client address, client port, server address, server port.
            var connection = lines[0].Split(' ');
            Assert.Equal(host, connection[2]);
            Assert.Equal(SshTestHosts.Port.ToString(), connection[3]);
            Assert.NotEqual("0", lines[1]); // never root: the hosts log in a plain test user
        }
    }

    [Fact]
    public void AnExtraHostStartsAndStopsAlone_LeavingTheOthersUp()
    {
        SshTestHosts.Require();
        const string address = "127.0.0.3";
        int port = SshTestHosts.Port + 1;
        SshTestHosts.RunScript("start-host", address, port.ToString());
        try
        {
            var up = SshTestHosts.Run("ssh", "-F", SshTestHosts.ConfigFile, "-p", port.ToString(), address, "true");
            // ssh -F runs with LogLevel ERROR, so say the exit code too: 255 is ssh itself, anything else the remote side.
            Assert.True(up.ExitCode == 0, $"ssh to the extra host exited {up.ExitCode}: {up.Error}");
        }
        finally
        {
            SshTestHosts.RunScript("stop-host", address, port.ToString());
        }
        var down = SshTestHosts.Run("ssh", "-F", SshTestHosts.ConfigFile, "-p", port.ToString(), address, "true");
        Assert.Equal(255, down.ExitCode);
        Assert.Contains("refused", down.Error);
        Assert.Equal(0, SshTestHosts.Run("ssh", "-F", SshTestHosts.ConfigFile, address, "true").ExitCode);
    }
}
