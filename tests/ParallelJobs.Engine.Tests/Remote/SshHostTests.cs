using ParallelJobs.Remote;

namespace ParallelJobs.Engine.Tests.Remote;

public class SshHostTests
{
    [Theory]
    [InlineData("node1", null, false, null, "node1", null, "node1")]
    [InlineData("4/node1", 4, false, null, "node1", null, "node1")]
    [InlineData("alice@node1", null, false, "alice", "node1", null, "alice@node1")]
    [InlineData("2/alice@node1.example.org:2222", 2, false, "alice", "node1.example.org", 2222, "alice@node1.example.org:2222")]
    [InlineData("auto/127.0.0.2", null, true, null, "127.0.0.2", null, "127.0.0.2")]
    [InlineData("AUTO/h", null, true, null, "h", null, "h")]
    [InlineData("[::1]", null, false, null, "::1", null, "[::1]")]
    [InlineData("[::1]:2222", null, false, null, "::1", 2222, "[::1]:2222")]
    [InlineData("3/bob@[fe80::1%eth0]:22", 3, false, "bob", "fe80::1%eth0", 22, "bob@[fe80::1%eth0]:22")]
    [InlineData("[::ffff:127.0.0.1]", null, false, null, "::ffff:127.0.0.1", null, "[::ffff:127.0.0.1]")]
    [InlineData("first.last@corp@jump_host", null, false, "first.last@corp", "jump_host", null, "first.last@corp@jump_host")]
    public void ParsesRemoteEntries(string entry, int? slots, bool auto, string? user, string host, int? port, string name)
    {
        var h = SshHost.Parse(entry);
        Assert.False(h.IsLocal);
        Assert.Equal(slots, h.Slots);
        Assert.Equal(auto, h.AutoSlots);
        Assert.Equal(user, h.User);
        Assert.Equal(host, h.HostName);
        Assert.Equal(port, h.Port);
        Assert.Equal(name, h.Name);
        Assert.Equal(entry, h.Entry);
    }

    [Theory]
    [InlineData(":", null, false)]
    [InlineData("8/:", 8, false)]
    [InlineData("auto/:", null, true)]
    public void ColonIsThisMachineWithoutSsh(string entry, int? slots, bool auto)
    {
        var h = SshHost.Parse(entry);
        Assert.True(h.IsLocal);
        Assert.Equal(slots, h.Slots);
        Assert.Equal(auto, h.AutoSlots);
        Assert.Equal(":", h.Name);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("   ", "is empty")]
    [InlineData(" node1", "spaces around it")]
    [InlineData("node 1", "space or control character")]
    [InlineData("node1\nrm -rf /", "space or control character")]
    [InlineData("0/node1", "slot count '0' must be a whole number of at least 1, or 'auto'")]
    [InlineData("-2/node1", "slot count '-2'")]
    [InlineData("many/node1", "slot count 'many'")]
    [InlineData("2/3/node1", "more than one '/'")]
    [InlineData("4/", "names no host after the slot count")]
    [InlineData("@node1", "user name before '@' is empty")]
    [InlineData("alice@", "names no host after '@'")]
    [InlineData("-oProxyCommand=touch@x", "starts with '-'")]
    [InlineData("-oProxyCommand=x", "starts with '-', which ssh would read as an option")]
    [InlineData("node1:", "port '' must be a number from 1 to 65535")]
    [InlineData("node1:0", "port '0'")]
    [InlineData("node1:65536", "port '65536'")]
    [InlineData("node1:ssh", "port 'ssh'")]
    [InlineData(":22", "names no host before ':'")]
    [InlineData("fe80::1", "looks like an IPv6 address: put it in brackets, as in [fe80::1]")]
    [InlineData("[::1", "not closed by ']'")]
    [InlineData("[]", "brackets hold no address")]
    [InlineData("[node1]", "is not an IPv6 address")]
    [InlineData("[::1]2222", "after ']' only ':port' may follow")]
    [InlineData("node$(id)", "holds '$'")]
    [InlineData("node;reboot", "holds ';'")]
    public void RefusesBadEntries_NamingThem(string entry, string expected)
    {
        var e = Assert.Throws<FormatException>(() => SshHost.Parse(entry));
        Assert.Contains(expected, e.Message);
        Assert.Contains("'" + entry.Replace("\n", "\\x0a") + "'", e.Message);
    }

    [Fact]
    public void ParseAll_SplitsCommas_AndKeepsTheOrder()
    {
        var hosts = SshHost.ParseAll(new[] { "2/h1,2/h2", ":", "[::1]:22" });
        Assert.Equal(new[] { "h1", "h2", ":", "[::1]:22" }, hosts.Select(h => h.Name));
    }

    [Fact]
    public void ParseAll_NamesEveryBadEntry_InOneError()
    {
        var e = Assert.Throws<FormatException>(() => SshHost.ParseAll(new[] { "good", "0/bad1", "bad2:x", "also-good" }));
        Assert.Contains("'0/bad1'", e.Message);
        Assert.Contains("'bad2:x'", e.Message);
        Assert.DoesNotContain("'good'", e.Message);
    }

    [Fact]
    public void ParseAll_RefusesTheSameHostTwice()
    {
        var e = Assert.Throws<FormatException>(() => SshHost.ParseAll(new[] { "2/alice@h1", "4/alice@H1" }));
        Assert.Contains("'4/alice@H1' names the same host as '2/alice@h1'", e.Message);
        // A different user or port is a different login and is allowed.
        Assert.Equal(3, SshHost.ParseAll(new[] { "alice@h1", "bob@h1", "alice@h1:2222" }).Count);
    }

    [Fact]
    public void ParseAll_RefusesAnEmptyList()
    {
        Assert.Contains("No host entry", Assert.Throws<FormatException>(() => SshHost.ParseAll(Array.Empty<string>())).Message);
    }
}
