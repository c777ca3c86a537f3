using System.IO.Compression;
using ParallelJobs.Compression;
using static ParallelJobs.Quality.Tests.Compression.GzipTestFiles;

namespace ParallelJobs.Quality.Tests.Compression;

/// <summary>
/// The runtime's zlib (the fast path) against the managed inflater (the simple reference, and the path on runtimes
/// without that zlib): the same bytes out of every valid file, the same verdict (corrupt or truncated) on every
/// damaged one, whatever the read sizes.
/// </summary>
public sealed class InflaterAgreementTests
{
    [Fact]
    public void TheRuntimesZlibIsUsedHere()
    {
        // On .NET (Core) the shim is always there; if this fails, gzip reading silently fell back to the slower managed inflater.
        Assert.True(NativeZlib.IsAvailable, NativeZlib.UnavailableReason);
        using var reader = new GzipReader(new MemoryStream(Member(Fastq(0, 10))));
        Assert.True(reader.UsesNativeInflater);
    }

    private sealed record Outcome(byte[]? Output, string? Warning, Type? Error, bool Truncated, string? Message, int Members);

    private static Outcome Read(byte[] file, bool native, int seed)
    {
        var random = new Random(seed);
        using var reader = new GzipReader(new MemoryStream(file), preferNative: native);
        Assert.Equal(native, reader.UsesNativeInflater);
        var output = new MemoryStream();
        var buffer = new byte[1 << 20];
        try
        {
            while (true)
            {
                // Read sizes from 1 byte to 1 MiB: a member may end, and the window may slide, anywhere in a read.
                int size = random.Next(4) switch { 0 => random.Next(1, 16), 1 => random.Next(1, 70000), _ => buffer.Length };
                int n = reader.Read(buffer, 0, size);
                if (n == 0) break;
                output.Write(buffer, 0, n);
            }
            return new Outcome(output.ToArray(), reader.Warning, null, false, null, reader.Members);
        }
        catch (GzipDataException e)
        {
            return new Outcome(null, null, e.GetType(), e.Truncated, e.Message, reader.Members);
        }
    }

    private static void AssertAgree(byte[] file, byte[]? expected, string what, int seed)
    {
        var native = Read(file, native: true, seed);
        var managed = Read(file, native: false, seed + 1);
        Assert.True(native.Error == managed.Error && native.Truncated == managed.Truncated,
            what + ": native says " + (native.Message ?? "fine") + "; managed says " + (managed.Message ?? "fine"));
        if (native.Truncated || native.Error == null) Assert.Equal(native.Message, managed.Message);
        if (native.Output != null)
        {
            Assert.True(native.Output.AsSpan().SequenceEqual(managed.Output), what + ": the outputs differ");
            Assert.Equal(native.Warning, managed.Warning);
            Assert.Equal(native.Members, managed.Members);
        }
        if (expected != null)
        {
            Assert.True(native.Output != null, what + ": " + native.Message);
            Assert.True(expected.AsSpan().SequenceEqual(native.Output), what + ": the output is not the data compressed");
        }
    }

    private static readonly byte[] FastqPool = Fastq(0, 2000);

    /// <summary>Data of the kinds deflate treats differently: text, random bytes (stored blocks), long runs (overlapping matches).</summary>
    private static byte[] Data(Random random, int kind, int length)
    {
        var data = new byte[length];
        switch (kind)
        {
            case 0:
                for (int i = 0; i < length;)
                {
                    int from = random.Next(FastqPool.Length), n = Math.Min(length - i, FastqPool.Length - from);
                    Array.Copy(FastqPool, from, data, i, n);
                    i += n;
                }
                break;
            case 1:
                random.NextBytes(data);
                break;
            case 2:
                for (int i = 0; i < length;)
                {
                    byte value = (byte)random.Next(4);
                    int run = random.Next(1, 600);
                    for (int k = 0; k < run && i < length; k++) data[i++] = value;
                }
                break;
            default:
                for (int i = 0; i < length; i++) data[i] = (byte)"ACGT"[random.Next(4)];
                break;
        }
        return data;
    }

    [Fact]
    public void BothGiveTheSameBytesForValidFiles()
    {
        var random = new Random(12);
        var levels = new[] { CompressionLevel.NoCompression, CompressionLevel.Fastest, CompressionLevel.Optimal, CompressionLevel.SmallestSize };
        for (int trial = 0; trial < 40; trial++)
        {
            int length = trial % 10 == 0 ? random.Next(600_000, 1_500_000) : random.Next(0, 80_000);
            var data = Data(random, trial % 4, length);
            var level = levels[trial % levels.Length];
            int[] flushes = length > 10 && trial % 3 == 0 ? new[] { length / 3, length / 2 } : Array.Empty<int>();
            var member = Member(data, out _, flushes, level: level);
            AssertAgree(member, data, "trial " + trial + " (" + level + ", " + length + " bytes)", trial);
            AssertAgree(Concat(member, Member(data), member), Concat(data, data, data), "trial " + trial + " three members", trial);
        }
        var bgzfData = Fastq(0, 3000);
        AssertAgree(Bgzf(bgzfData, endOfFileBlock: true, out _), bgzfData, "BGZF", 1);
    }

    [Fact]
    public void BothGiveTheSameVerdictOnDamagedFiles()
    {
        var random = new Random(34);
        for (int trial = 0; trial < 300; trial++)
        {
            var data = Data(random, trial % 4, random.Next(1, 100_000));
            var file = Member(data, out _, trial % 5 == 0 ? new[] { data.Length / 2 } : null, level: trial % 7 == 0 ? CompressionLevel.Fastest : CompressionLevel.Optimal);
            if (trial % 4 == 1) file = Concat(file, Member(Data(random, 0, 5000)));
            string what;
            switch (trial % 3)
            {
                case 0:
                    int bit = random.Next(file.Length * 8);
                    file[bit / 8] ^= (byte)(1 << (bit % 8));
                    what = "bit " + bit + " flipped";
                    break;
                case 1:
                    int cut = random.Next(file.Length);
                    file = file.AsSpan(0, cut).ToArray();
                    what = "cut at " + cut;
                    break;
                default:
                    int at = random.Next(file.Length), count = Math.Min(random.Next(1, 100), file.Length - at);
                    for (int i = at; i < at + count; i++) file[i] = (byte)random.Next(256);
                    what = count + " random bytes at " + at;
                    break;
            }
            AssertAgree(file, null, "trial " + trial + ", " + what, trial);
        }
    }

    [Fact]
    public void BothRejectTheDeflateDefectsZlibNames()
    {
        // Each a whole raw deflate stream inside a gzip member; the CRC and length in the trailer are those of nothing.
        var streams = new (string Name, byte[] Deflate)[]
        {
            ("invalid block type", new byte[] { 0x07, 0x00 }),
            ("invalid stored block lengths", new byte[] { 0x01, 0x05, 0x00, 0x00, 0x00 }),
            ("invalid distance too far back", new byte[] { 0x63, 0x00, 0x42, 0x00 }), // a fixed block: literal 0x00, then a match at distance 2
        };
        foreach (var (name, deflate) in streams)
        {
            var file = Concat(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff }, deflate, new byte[8]);
            var native = Read(file, native: true, 1);
            var managed = Read(file, native: false, 1);
            Assert.False(native.Truncated, name + ": " + native.Message);
            Assert.NotNull(native.Error);
            Assert.Contains(name, native.Message);
            Assert.Contains(name, managed.Message);
        }
    }

    [Fact]
    public void BothReadTheToolsOutputAlike()
    {
        var data = Fastq(0, 5000);
        string directory = Directory.CreateTempSubdirectory("pj-inflate-").FullName;
        try
        {
            string plain = Path.Combine(directory, "reads.fastq");
            File.WriteAllBytes(plain, data);
            var commands = new List<(string Program, string[] Arguments)>();
            string gzip = Require("gzip", "gzip");
            commands.Add((gzip, new[] { "-1", "-c", plain }));
            commands.Add((gzip, new[] { "-9", "-c", plain }));
            string pigz = Require("pigz", "pigz");
            commands.Add((pigz, new[] { "-c", "-b", "32", plain }));
            commands.Add((pigz, new[] { "-c", "-i", "-b", "32", plain }));
            string bgzip = Require("bgzip", "tabix");
            commands.Add((bgzip, new[] { "-c", plain }));
            foreach (var (program, arguments) in commands)
            {
                var (exit, output, stderr) = Run(program, arguments);
                Assert.True(exit == 0, stderr);
                AssertAgree(output, data, Path.GetFileName(program) + " " + string.Join(" ", arguments.Take(arguments.Length - 1)), exit);
            }
        }
        finally { Directory.Delete(directory, recursive: true); }
    }
}
