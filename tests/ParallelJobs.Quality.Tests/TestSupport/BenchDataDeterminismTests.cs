using System.IO.Compression;
using System.Security.Cryptography;
using ParallelJobs.Quality;
using ParallelJobs.TestSupport;

namespace ParallelJobs.Quality.Tests.TestSupport;

/// <summary>
/// The benchmark (bench/) compares tools on data it generates; its ratios only mean something if the same seed
/// gives the same bytes on every run and machine. These tests pin that for the generator calls it makes.
/// </summary>
public sealed class BenchDataDeterminismTests
{
    private static string Digest(string root)
    {
        using var sha = SHA256.Create();
        foreach (var file in Directory.GetFiles(root, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            var name = System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(root, file) + "\n");
            sha.TransformBlock(name, 0, name.Length, null, 0);
            var bytes = File.ReadAllBytes(file);
            sha.TransformBlock(bytes, 0, bytes.Length, null, 0);
        }
        sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
        return Convert.ToHexString(sha.Hash!);
    }

    [Fact]
    public void QualDataSetIsTheSameForTheSameSeedAndDiffersForAnother()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        using var c = new TempDir();
        QualDataSetGenerator.Write(a.Path, 20260501, 2, 30);
        QualDataSetGenerator.Write(b.Path, 20260501, 2, 30);
        QualDataSetGenerator.Write(c.Path, 20260502, 2, 30);

        Assert.Equal(Digest(a.Path), Digest(b.Path));
        Assert.NotEqual(Digest(a.Path), Digest(c.Path));
        Assert.Equal(QualDataSetGenerator.DirectoryNames(), Directory.GetDirectories(a.Path).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void FastqIsTheSameForTheSameSeedAndItsGzipHoldsTheSameReads()
    {
        using var dir = new TempDir();
        string plain1 = dir.Combine("a.fastq"), plain2 = dir.Combine("b.fastq"), gz = dir.Combine("c.fastq.gz");
        QualDataSetGenerator.WriteFastq(plain1, 7, 500, 150);
        QualDataSetGenerator.WriteFastq(plain2, 7, 500, 150);
        QualDataSetGenerator.WriteFastq(gz, 7, 500, 150);

        Assert.Equal(File.ReadAllBytes(plain1), File.ReadAllBytes(plain2));
        using var unzip = new GZipStream(File.OpenRead(gz), CompressionMode.Decompress);
        using var copy = new MemoryStream();
        unzip.CopyTo(copy);
        Assert.Equal(File.ReadAllBytes(plain1), copy.ToArray());
        Assert.Equal(500 * 4, File.ReadAllLines(plain1).Length);
    }
}
