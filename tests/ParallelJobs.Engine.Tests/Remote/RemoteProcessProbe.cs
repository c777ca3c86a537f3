using System.Diagnostics;
using System.Text;

namespace ParallelJobs.Engine.Tests.Remote;

/// <summary>What is running on "the host" (this machine): by a marker in the command line, or by process group.</summary>
internal static class RemoteProcessProbe
{
    /// <summary>A word to put in a command line, unique to one test.</summary>
    public static string NewMarker() => "pjmark" + Guid.NewGuid().ToString("N").Substring(0, 16);

    /// <summary>Pids whose command line holds the marker (pgrep -f), other than pgrep itself.</summary>
    public static int[] WithMarker(string marker)
    {
        var r = SshTestHosts.Run("pgrep", "-f", marker);
        return r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
    }

    /// <summary>Live (not zombie) processes in the process group.</summary>
    public static int[] InGroup(int pgid)
    {
        var members = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); } catch (IOException) { continue; } catch (UnauthorizedAccessException) { continue; }
            // pid (comm) state ppid pgrp ...: comm may hold spaces, so read after the last ')'.
            var fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
            if (fields[0] == "Z" || fields[0] == "X") continue;
            if (int.Parse(fields[2]) == pgid) members.Add(pid);
        }
        return members.ToArray();
    }

    /// <summary>
    /// Waits until nothing holds the marker (and the group is empty), up to a deadline. Nothing signals
    /// the end of processes that are not our children, so this looks every 50 ms.
    /// </summary>
    public static void AssertAllGone(string marker, int? pgid, TimeSpan deadline)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var left = WithMarker(marker);
            var group = pgid.HasValue ? InGroup(pgid.Value) : Array.Empty<int>();
            if (left.Length == 0 && group.Length == 0) return;
            if (watch.Elapsed > deadline)
                Assert.Fail($"still running after {deadline.TotalSeconds} s: marker {marker}: [{string.Join(",", left.Select(Describe))}], group {pgid}: [{string.Join(",", group.Select(Describe))}]");
            Thread.Sleep(50);
        }
    }

    /// <summary>Waits until some process holds the marker.</summary>
    public static void AwaitRunning(string marker, TimeSpan deadline)
    {
        var watch = Stopwatch.StartNew();
        while (WithMarker(marker).Length == 0)
        {
            if (watch.Elapsed > deadline) Assert.Fail($"nothing with marker {marker} started within {deadline.TotalSeconds} s");
            Thread.Sleep(20);
        }
    }

    /// <summary>Waits until the group has at least this many live members.</summary>
    /// <summary>
    /// Processes the remote wrapper adds to a command's group: its perl waiter, where perl is installed (the
    /// hosts are this machine).
    /// </summary>
    public static int Waiters => File.Exists("/usr/bin/perl") || File.Exists("/bin/perl") ? 1 : 0;

    public static void AwaitGroupSize(int pgid, int count, TimeSpan deadline)
    {
        var watch = Stopwatch.StartNew();
        while (InGroup(pgid).Length < count)
        {
            if (watch.Elapsed > deadline) Assert.Fail($"group {pgid} did not reach {count} processes within {deadline.TotalSeconds} s");
            Thread.Sleep(20);
        }
    }

    private static string Describe(int pid)
    {
        try { return pid + " " + File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim(); }
        catch (IOException) { return pid.ToString(); }
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
