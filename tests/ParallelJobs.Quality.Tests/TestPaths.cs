namespace ParallelJobs.Quality.Tests;

/// <summary>The quality fixtures of the repository, and ../shared/testdata (skipping the test when it is absent).</summary>
internal static class TestPaths
{
    public static string RepositoryRoot => RepositoryPaths.Root;

    public static string Fixture(params string[] parts) =>
        Path.Combine(new[] { RepositoryRoot, "tests", "fixtures", "quality" }.Concat(parts).ToArray());

    public static string SharedTestData => RepositoryPaths.SharedTestData;

    /// <summary>A file under ../shared/testdata/third-party; skips the test when the folder is absent.</summary>
    public static string ThirdParty(string relative)
    {
        string root = Path.Combine(SharedTestData, "third-party");
        if (!Directory.Exists(root)) Assert.Skip("../shared/testdata is absent (third-party test data is not shipped with the project)");
        string path = Path.Combine(root, relative);
        Assert.True(File.Exists(path) || Directory.Exists(path), "missing test data file " + path);
        return path;
    }

    public const string BiopythonQuality = "biopython/Tests/Quality/";
    public const string BioperlData = "bioperl-live/t/data/";
    public const string BiojavaFastq = "biojava/biojava-genome/src/test/resources/org/biojava/nbio/genome/io/fastq/";
    public const string Htsjdk = "htsjdk/src/test/resources/htsjdk/samtools/util/QualityEncodingDetectorTest/";
}
