using ParallelJobs.Scheduling;

namespace ParallelJobs.Engine.Tests;

/// <summary>Runs commands through a ParallelRun and drains its events the way a cmdlet does.</summary>
internal static class RunDriver
{
    /// <summary>A safety net so a broken engine fails the test instead of hanging the suite.</summary>
    public static readonly TimeSpan Hang = TimeSpan.FromSeconds(120);

    public static (List<CommandResult> Results, List<RunEvent> Events) Run(RunOptions options, IEnumerable<CommandSpec> specs, Action<ParallelRun, RunEvent>? onEvent = null)
    {
        using var run = new ParallelRun(options);
        foreach (var s in specs) run.Add(s);
        run.CompleteAdding();
        return Drain(run, onEvent);
    }

    public static (List<CommandResult> Results, List<RunEvent> Events) Drain(ParallelRun run, Action<ParallelRun, RunEvent>? onEvent = null)
    {
        var events = new List<RunEvent>();
        var deadline = DateTime.UtcNow + Hang;
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, "the run did not complete: engine hang");
            if (!run.Events.TryTake(out var e, 200))
            {
                if (run.Events.IsDrained) break;
                continue;
            }
            events.Add(e!);
            onEvent?.Invoke(run, e!);
        }
        var results = events.Where(e => e.Kind == RunEventKind.CommandFinished).Select(e => e.Result!).ToList();
        return (results, events);
    }

    public static CommandSpec Sh(string command, string? input = null) => CommandSpec.Shell(command, input);

    /// <summary>
    /// True while a process of the test's own (its command line holds "600", as every long sleep in
    /// these tests does) runs under that PID. Checking the command line keeps a PID that the kernel
    /// handed to someone else's process meanwhile (other tests start thousands) from looking like a survivor.
    /// </summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            char state = stat[close + 2];
            if (state == 'Z' || state == 'X') return false;
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            return cmdline.Contains("600");
        }
        catch (IOException) { return false; }
    }

    /// <summary>Waits for a process that is not this one's child to end: no event says so, so /proc is polled.</summary>
    public static void WaitForEnd(int pid)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (IsAlive(pid))
        {
            Assert.True(DateTime.UtcNow < deadline, $"process {pid} was not stopped");
            Thread.Sleep(20);
        }
    }
}
