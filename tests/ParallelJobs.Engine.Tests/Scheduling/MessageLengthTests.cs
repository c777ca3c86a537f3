using ParallelJobs.Scheduling;
using static ParallelJobs.Engine.Tests.RunDriver;

namespace ParallelJobs.Engine.Tests.Scheduling;

/// <summary>Messages quote a few hundred characters of a command at most; the result keeps all of it.</summary>
public class MessageLengthTests
{
    private const int ThreeMegabytes = 3 * 1024 * 1024;
    private const int ReadableMessage = 1000;

    [Fact]
    public void AThreeMegabyteCommandThatFailsToStart_GivesAShortMessage_AndKeepsTheFullCommand()
    {
        using var dir = new TempDir();
        string command = "echo " + new string('x', ThreeMegabytes - 5);
        var options = new RunOptions { ThrottleLimit = 1, WorkingDirectory = dir.Combine("no-such-directory") };
        var (results, _) = Run(options, new[] { Sh(command) });

        var r = results.Single();
        Assert.Equal(CommandStatus.FailedToStart, r.Status);
        Assert.Equal(command, r.Command);
        AssertShort(r.Reason, "Reason");
        Assert.Contains("no-such-directory", r.Reason);
        var message = new CommandFailedException(r).Message;
        AssertShort(message, "the error message");
        Assert.StartsWith("Command 0 (echo xxx", message);
        Assert.Contains("3,145,728 characters", message);
        AssertShort(r.ToString(), "ToString()");
    }

    [Fact]
    public void AThreeMegabyteProgramPathThatDoesNotExist_GivesAShortReason()
    {
        using var dir = new TempDir();
        string program = dir.Combine(new string('p', ThreeMegabytes));
        var (results, _) = Run(new RunOptions { ThrottleLimit = 1 }, new[] { CommandSpec.Program(program, new[] { "a" }) });

        var r = results.Single();
        Assert.Equal(CommandStatus.FailedToStart, r.Status);
        Assert.StartsWith(program, r.Command);
        AssertShort(r.Reason, "Reason");
        AssertShort(new CommandFailedException(r).Message, "the error message");
    }

    [Fact]
    public void AHugeLastErrorLine_IsShortenedInTheMessage()
    {
        var (results, _) = Run(new RunOptions { ThrottleLimit = 1 }, new[] { Sh("head -c 2000000 /dev/zero | tr '\\0' e >&2; exit 1") });
        var r = results.Single();
        Assert.Equal(2_000_000, r.Error.Single().Length);
        AssertShort(new CommandFailedException(r).Message, "the error message");
    }

    private static void AssertShort(string? text, string what)
    {
        Assert.NotNull(text);
        Assert.True(text!.Length < ReadableMessage, $"{what} has {text.Length} characters");
    }
}
