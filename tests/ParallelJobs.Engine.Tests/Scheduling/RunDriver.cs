using ParallelJobs.Scheduling;

namespace ParallelJobs.Engine.Tests.Scheduling;

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
            if (!run.TryTake(out var e, 200)) continue;
            events.Add(e!);
            onEvent?.Invoke(run, e!);
            if (e!.Kind == RunEventKind.RunCompleted) break;
        }
        var results = events.Where(e => e.Kind == RunEventKind.CommandFinished).Select(e => e.Result!).ToList();
        return (results, events);
    }

    public static CommandSpec Sh(string command, string? input = null) => CommandSpec.Shell(command, input);

    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            char state = stat[close + 2];
            return state != 'Z' && state != 'X';
        }
        catch (IOException) { return false; }
    }
}
