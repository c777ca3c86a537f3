using System.Runtime.Versioning;
using ParallelJobs.Quality;
using static ParallelJobs.Quality.Tests.TestPaths;

namespace ParallelJobs.Quality.Tests.Quality;

/// <summary>
/// How a directory input finds its files under -Recurse: as Get-ChildItem -Recurse walks, each file once,
/// symbolic links to directories not followed (and reported), unreadable subdirectories reported while the
/// rest still counts. Real links, real loops, real permissions.
/// </summary>
public sealed class QualityInputWalkTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pj-walk-" + Guid.NewGuid().ToString("N"));

    public QualityInputWalkTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        if (!OperatingSystem.IsWindows()) Permissions.Restore(_root);
        Directory.Delete(_root, recursive: true);
    }

    private string Dir(params string[] parts)
    {
        string path = Path.Combine(new[] { _root }.Concat(parts).ToArray());
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A copy of small.qual (3 reads).</summary>
    private static string Small(string directory, string name)
    {
        string path = Path.Combine(directory, name);
        File.Copy(Fixture("small.qual"), path);
        return path;
    }

    private static QualityRunSummary Run(QualityInput input) =>
        QualityDistributionRun.Compute(new[] { input }, new QualityRunOptions { ThrottleLimit = 2 });

    private static void NeedsLinks()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("symbolic links to directories need privileges on Windows");
    }

    private static void AssertLinkWarnings(QualityInput input, string expectedText, params string[] links)
    {
        Assert.Empty(input.Errors);
        Assert.Equal(links.OrderBy(l => l, StringComparer.Ordinal), input.Warnings.Select(w => w.Path).OrderBy(p => p, StringComparer.Ordinal));
        Assert.All(input.Warnings, w => Assert.Contains(expectedText, w.Message));
    }

    [Fact]
    public void ADirectoryLinkLoopIsReportedNotFollowedAndEachFileIsReadOnce()
    {
        NeedsLinks();
        string top = Dir("top");
        string sub = Dir("top", "sub");
        string a = Small(top, "a.qual");
        string b = Small(sub, "b.qual");
        Directory.CreateSymbolicLink(Path.Combine(sub, "loop"), top);   // sub/loop -> top
        Directory.CreateSymbolicLink(Path.Combine(top, "self"), ".");   // top/self -> top itself

        var input = QualityInput.FromPath(top, recurse: true);

        Assert.Equal(new[] { a, b }, input.Files);
        AssertLinkWarnings(input, "loop", Path.Combine(sub, "loop"), Path.Combine(top, "self"));
        var summary = Run(input);
        Assert.Empty(summary.Errors);
        Assert.Equal(2, summary.Warnings.Count);
        Assert.Equal(2 * 3, Assert.Single(summary.Distributions).ReadCount);
    }

    [Fact]
    public void ALinkToASiblingDirectoryDoesNotCountItsFilesTwice()
    {
        NeedsLinks();
        string top = Dir("top");
        string real = Dir("top", "real");
        string x = Small(real, "x.qual");
        string y = Small(real, "y.qual");
        string link = Path.Combine(top, "linkdir");
        Directory.CreateSymbolicLink(link, real);

        var input = QualityInput.FromPath(top, recurse: true);

        Assert.Equal(new[] { x, y }, input.Files);
        AssertLinkWarnings(input, real, link);
        Assert.Contains("read there", input.Warnings[0].Message);
        Assert.Equal(2 * 3, Assert.Single(Run(input).Distributions).ReadCount);
    }

    [Fact]
    public void ALinkToADirectoryGivenAsThePathIsRead()
    {
        NeedsLinks();
        string real = Dir("real");
        Small(real, "x.qual");
        Small(Dir("real", "sub"), "y.qual");
        string link = Path.Combine(_root, "linkdir");
        Directory.CreateSymbolicLink(link, real);

        var recursive = QualityInput.FromPath(link, recurse: true);
        Assert.Equal("linkdir", recursive.Name);
        Assert.True(recursive.IsDirectory);
        Assert.Equal(new[] { Path.Combine(link, "sub", "y.qual"), Path.Combine(link, "x.qual") }, recursive.Files);
        Assert.Empty(recursive.Warnings);
        Assert.Empty(recursive.Errors);
        Assert.Equal(new[] { Path.Combine(link, "x.qual") }, QualityInput.FromPath(link, recurse: false).Files);
    }

    [Fact]
    public void ALinkToADirectoryOutsideTheInputIsReportedAsNotRead()
    {
        NeedsLinks();
        string other = Dir("other");
        Small(other, "z.qual");
        string top = Dir("top");
        string a = Small(top, "a.qual");
        string link = Path.Combine(top, "external");
        Directory.CreateSymbolicLink(link, other);

        var input = QualityInput.FromPath(top, recurse: true);

        Assert.Equal(new[] { a }, input.Files);
        AssertLinkWarnings(input, "not read", link);
        Assert.Contains(other, input.Warnings[0].Message);
    }

    [Fact]
    public void FileLinksAreReadButTheSameFileOnlyOnce()
    {
        NeedsLinks();
        string elsewhere = Dir("elsewhere");
        string w = Small(elsewhere, "w.qual");
        string top = Dir("top");
        string x = Small(Dir("top", "real"), "x.qual");
        string outside = Path.Combine(top, "outside.qual");
        File.CreateSymbolicLink(outside, w);                                    // a file from elsewhere: read
        string alias = Path.Combine(top, "alias.qual");
        File.CreateSymbolicLink(alias, x);                                      // a second name of real/x.qual
        File.CreateSymbolicLink(Path.Combine(top, "alias2.fq"), alias);          // a third one, through the second

        var input = QualityInput.FromPath(top, recurse: true);

        Assert.Equal(new[] { outside, x }, input.Files);
        AssertLinkWarnings(input, "same file as " + x, alias, Path.Combine(top, "alias2.fq"));
        Assert.Equal(2 * 3, Assert.Single(Run(input).Distributions).ReadCount);
    }

    [Fact]
    public void WithoutRecurseSubdirectoriesAndLinksToDirectoriesAreNotLookedAt()
    {
        NeedsLinks();
        string top = Dir("top");
        string a = Small(top, "a.qual");
        Small(Dir("top", "sub"), "b.qual");
        Directory.CreateSymbolicLink(Path.Combine(top, "self"), ".");

        var input = QualityInput.FromPath(top, recurse: false);

        Assert.Equal(new[] { a }, input.Files);
        Assert.Empty(input.Warnings);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")] // RunHere skips there
    public void AnUnreadableSubdirectoryIsReportedAndTheOtherFilesStillCount()
    {
        if (!Permissions.RunHere(typeof(QualityInputWalkTests).FullName!, nameof(AnUnreadableSubdirectoryIsReportedAndTheOtherFilesStillCount))) return;
        string top = Dir("top");
        string a = Small(top, "a.qual");
        string locked = Dir("top", "locked");
        Small(locked, "b.qual");
        Small(Dir("top", "locked", "inner"), "b2.qual");
        string c = Small(Dir("top", "ok"), "c.qual");
        string d = Small(Dir("top", "ok", "deeper"), "d.qual");
        File.SetUnixFileMode(locked, UnixFileMode.None);

        var input = QualityInput.FromPath(top, recurse: true);

        Assert.Equal(new[] { a, d, c }.OrderBy(f => f, StringComparer.Ordinal), input.Files);
        Assert.Empty(input.Warnings);
        var problem = Assert.Single(input.Errors);
        Assert.Equal(QualityErrorKind.UnreadableDirectory, problem.Kind);
        Assert.Equal(locked, problem.Path);
        Assert.Contains("permission denied", problem.Message);

        var summary = Run(input);
        var error = Assert.Single(summary.Errors);
        Assert.Equal(locked, error.Path);
        var result = Assert.Single(summary.Distributions);
        Assert.Equal(3, result.FileCount);
        Assert.Equal(3 * 3, result.ReadCount);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")] // RunHere skips there
    public void APathThroughADirectoryThatCannotBeEnteredIsPermissionDeniedNotMissing()
    {
        if (!Permissions.RunHere(typeof(QualityInputWalkTests).FullName!, nameof(APathThroughADirectoryThatCannotBeEnteredIsPermissionDeniedNotMissing))) return;
        string locked = Dir("locked");
        string file = Small(locked, "b.qual");
        File.SetUnixFileMode(locked, UnixFileMode.None);

        var denied = Assert.Throws<UnauthorizedAccessException>(() => QualityInput.FromPath(file, recurse: false));
        Assert.Contains("permission denied", denied.Message);
        Assert.Contains(locked, denied.Message);
        Assert.Contains(file, denied.Message);
        var inSub = Assert.Throws<UnauthorizedAccessException>(() => QualityInput.FromPath(Path.Combine(locked, "inner", "x.qual"), recurse: false));
        Assert.Contains("permission denied", inSub.Message);

        // The locked directory itself, given as the input: it cannot be listed.
        var listing = Assert.Throws<UnauthorizedAccessException>(() => QualityInput.FromPath(locked, recurse: true));
        Assert.Contains("permission denied", listing.Message);
        Assert.Contains(locked, listing.Message);

        // A path that really does not exist is still "no such file".
        Assert.Throws<FileNotFoundException>(() => QualityInput.FromPath(Path.Combine(_root, "missing.qual"), recurse: false));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")] // RunHere skips there
    public void AFileWithoutReadPermissionIsReportedAsPermissionDenied()
    {
        if (!Permissions.RunHere(typeof(QualityInputWalkTests).FullName!, nameof(AFileWithoutReadPermissionIsReportedAsPermissionDenied))) return;
        string top = Dir("top");
        string a = Small(top, "a.qual");
        string secret = Small(top, "secret.qual");
        File.SetUnixFileMode(secret, UnixFileMode.None);

        var summary = Run(QualityInput.FromPath(top, recurse: true));

        var error = Assert.Single(summary.Errors);
        Assert.Equal(QualityErrorKind.UnreadableFile, error.Kind);
        Assert.Equal(secret, error.Path);
        Assert.Contains("permission denied", error.Message);
        var result = Assert.Single(summary.Distributions);
        Assert.Equal(1, result.FailedFileCount);
        Assert.Equal(3, result.ReadCount);
    }
}
