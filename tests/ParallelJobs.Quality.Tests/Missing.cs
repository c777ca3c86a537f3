namespace ParallelJobs.Quality.Tests;

/// <summary>
/// A test that needs something absent (a tool, a privilege) skips with the reason, except in CI (CI=true), where
/// .ci/run installs everything, so the same absence is a failure instead of a silent gap in coverage.
/// </summary>
internal static class Missing
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Skip(string reason)
    {
        if (InCi) Assert.Fail(reason + " (CI=true: .ci/run installs what this test needs, so it may not skip)");
        Assert.Skip(reason);
    }
}
