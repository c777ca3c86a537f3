using System.Diagnostics;
using System.IO.Compression;
using System.Text;

namespace ParallelJobs.Quality.Tests.Compression;

/// <summary>
/// gzip files for the integrity tests, made here byte by byte (header, raw deflate from the runtime's
/// DeflateStream, trailer with a CRC-32 computed bit by bit below) or by the real tools (gzip, pigz, bgzip), and
/// FASTQ whose records are exactly 256 bytes, so that any multiple of 256 (pigz's 32 KiB blocks) is a record boundary.
/// </summary>
internal static class GzipTestFiles
{
    public const int RecordBytes = 256;

    /// <summary>BGZF's end-of-file block: an empty BGZF member (SAM specification, section 4.1.2).</summary>
    public static readonly byte[] BgzfEndOfFile =
    {
        0x1f, 0x8b, 0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x06, 0x00, 0x42, 0x43, 0x02, 0x00,
        0x1b, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    };

    /// <summary>Records first..first+count-1, 256 bytes each: "@r0000001\n", 121 bases, "+\n", 121 qualities; record r is the same in every range.</summary>
    public static byte[] Fastq(int first, int count, int seed = 1)
    {
        var text = new StringBuilder(count * RecordBytes);
        for (int r = first; r < first + count; r++)
        {
            var random = new Random(seed * 1000003 + r);
            text.Append('@').Append('r').Append(r.ToString("D7")).Append('\n');
            for (int i = 0; i < 121; i++) text.Append("ACGT"[random.Next(4)]);
            text.Append("\n+\n");
            for (int i = 0; i < 121; i++) text.Append((char)random.Next(35, 75));
            text.Append('\n');
        }
        var bytes = Encoding.ASCII.GetBytes(text.ToString());
        if (bytes.Length != count * RecordBytes) throw new InvalidOperationException("records are not 256 bytes");
        return bytes;
    }

    /// <summary>
    /// One gzip member of data. flushAfter: uncompressed offsets after which the deflate stream is sync-flushed
    /// (an empty stored block ends there, on a byte boundary); their compressed offsets in the member come back
    /// in flushPoints. bgzf: the header carries BGZF's 'BC' subfield with the member's size.
    /// </summary>
    public static byte[] Member(byte[] data, out List<int> flushPoints, int[]? flushAfter = null, bool bgzf = false, CompressionLevel level = CompressionLevel.Optimal)
    {
        var header = bgzf
            ? new List<byte> { 0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, (byte)'B', (byte)'C', 2, 0, 0, 0 }
            : new List<byte> { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };
        var deflated = new MemoryStream();
        flushPoints = new List<int>();
        using (var deflate = new DeflateStream(deflated, level, leaveOpen: true))
        {
            int at = 0;
            foreach (int point in flushAfter ?? Array.Empty<int>())
            {
                deflate.Write(data, at, point - at);
                deflate.Flush();
                flushPoints.Add(header.Count + (int)deflated.Length);
                at = point;
            }
            deflate.Write(data, at, data.Length - at);
        }
        // DeflateStream writes nothing at all when given nothing; a deflate stream needs its final block (empty, fixed codes).
        if (deflated.Length == 0) deflated.Write(new byte[] { 0x03, 0x00 });
        var member = new List<byte>(header);
        member.AddRange(deflated.ToArray());
        AddUInt32(member, Crc32(data));
        AddUInt32(member, (uint)data.Length);
        if (bgzf)
        {
            if (member.Count > 65536) throw new InvalidOperationException("a BGZF block holds at most 64 KiB");
            member[16] = (byte)((member.Count - 1) & 0xff);
            member[17] = (byte)((member.Count - 1) >> 8);
        }
        return member.ToArray();
    }

    public static byte[] Member(byte[] data, bool bgzf = false) => Member(data, out _, null, bgzf);

    /// <summary>BGZF of data in blocks of at most 60,000 bytes, with or without the end-of-file block.</summary>
    public static byte[] Bgzf(byte[] data, bool endOfFileBlock, out List<int> blockEnds)
    {
        var file = new List<byte>();
        blockEnds = new List<int>();
        for (int at = 0; at < data.Length; at += 60000)
        {
            file.AddRange(Member(data.AsSpan(at, Math.Min(60000, data.Length - at)).ToArray(), bgzf: true));
            blockEnds.Add(file.Count);
        }
        if (endOfFileBlock) file.AddRange(BgzfEndOfFile);
        return file.ToArray();
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>CRC-32 (gzip's), bit by bit: independent of the engine's table-driven one.</summary>
    public static uint Crc32(byte[] data)
    {
        uint crc = 0xffffffff;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xedb88320 : crc >> 1;
        }
        return ~crc;
    }

    private static void AddUInt32(List<byte> bytes, uint value)
    {
        for (int i = 0; i < 4; i++) bytes.Add((byte)(value >> (8 * i)));
    }

    /// <summary>Offsets of the sync-flush marker (an empty stored block: 00 00 ff ff) in data, each the offset just after it.</summary>
    public static List<int> SyncMarkersEnds(byte[] data)
    {
        var ends = new List<int>();
        for (int i = 0; i + 4 <= data.Length; i++)
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 0xff && data[i + 3] == 0xff) ends.Add(i + 4);
        return ends;
    }

    /// <summary>Full path of a program on PATH, or null.</summary>
    public static string? Which(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The program's path; when it is missing the test skips with the reason (fails under CI=true, see <see cref="Missing"/>).</summary>
    public static string Require(string program, string package)
    {
        string? path = Which(program);
        if (path != null) return path;
        Missing.Skip(program + " is not installed (Debian package " + package + "), so this comparison with it did not run");
        return "";
    }

    /// <summary>Runs a program to the end: exit code, stdout bytes and stderr text.</summary>
    public static (int ExitCode, byte[] Output, string Error) Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = new MemoryStream();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        return (process.ExitCode, output.ToArray(), stderr.Result);
    }
}
