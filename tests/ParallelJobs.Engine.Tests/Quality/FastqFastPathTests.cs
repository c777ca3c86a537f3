using System.Text;
using ParallelJobs.Quality;

namespace ParallelJobs.Tests.Quality;

/// <summary>
/// The FASTQ fast path (whole four-line records read straight from the buffer) must give exactly what the
/// line-by-line parser gives: the same counts, or the same error at the same line after the same number of
/// records. Random documents mix what the fast path takes with everything it must leave to the other parser.
/// </summary>
public sealed class FastqFastPathTests
{
    private sealed record Outcome(List<(int Column, int Score, long Count)>? Cells, long Reads, long Bases, int MaxLength, long Records,
        byte Lowest, byte Highest, long? ErrorLine, string? ErrorMessage, long? ErrorRecords);

    private static Outcome Parse(byte[] data, int bufferSize, bool fastPath, int? offset)
    {
        var histogram = new QualityHistogram();
        var reader = new LineChunkReader(new MemoryStream(data), new byte[bufferSize]);
        try
        {
            var scan = FastqReader.Read(reader, histogram, offset, CancellationToken.None, fastPath);
            return new Outcome(QualityFiles.Cells(histogram), histogram.ReadCount, histogram.BaseCount, histogram.MaxLength, scan.Records,
                scan.LowestCharacter, scan.HighestCharacter, null, null, null);
        }
        catch (QualityFormatException e)
        {
            return new Outcome(null, 0, 0, 0, 0, 0, 0, e.Line, e.Message, e.RecordsBeforeError);
        }
    }

    private static string Quality(Random random, int length)
    {
        var b = new StringBuilder(length);
        for (int i = 0; i < length; i++) b.Append((char)random.Next(33, 127));
        return b.ToString();
    }

    private static string Sequence(Random random, int length)
    {
        var b = new StringBuilder(length);
        for (int i = 0; i < length; i++) b.Append("ACGTN"[random.Next(5)]);
        return b.ToString();
    }

    private static byte[] Document(Random random)
    {
        var text = new StringBuilder();
        int records = random.Next(0, 60);
        int usual = random.Next(1, 300);
        for (int r = 0; r < records; r++)
        {
            string eol = random.Next(15) == 0 ? "\r\n" : "\n";
            int kind = random.Next(20);
            int length = kind == 0 ? 0 : kind == 1 ? random.Next(1, 5000) : random.Next(8) == 0 ? random.Next(1, 400) : usual;
            string title = "r" + r + (random.Next(3) == 0 ? " extra description " + random.Next() : "");
            string sequence = Sequence(random, length);
            string quality = Quality(random, length);
            if (random.Next(10) == 0 && length > 0) quality = "@" + quality.Substring(1);   // quality that looks like a title
            if (random.Next(10) == 0 && length > 0) quality = "+" + quality.Substring(1);
            text.Append('@').Append(title).Append(eol);
            if (kind == 2 && length > 2)
            {
                int cut = random.Next(1, length);
                text.Append(sequence, 0, cut).Append(eol).Append(sequence, cut, length - cut).Append(eol);
            }
            else text.Append(sequence).Append(eol);
            text.Append(random.Next(4) == 0 ? "+" + title : "+").Append(eol);
            if (kind == 3 && length > 2)
            {
                int cut = random.Next(1, length);
                text.Append(quality, 0, cut).Append(eol).Append(quality, cut, length - cut).Append(eol);
            }
            else text.Append(quality).Append(eol);
            if (random.Next(30) == 0) text.Append(eol); // blank line between records
        }
        if (records > 0 && random.Next(6) == 0) text.Length -= 1; // no final newline
        byte[] data = Encoding.Latin1.GetBytes(text.ToString());
        if (data.Length > 0 && random.Next(2) == 0)
        {
            // One defect: a byte changed, removed or added anywhere; or the first byte of a line changed (a title
            // that is not one, right after records the fast path took); or one byte of a '+' line that repeats its title.
            byte[] bad = { (byte)'\t', (byte)' ', (byte)'\r', (byte)'\n', (byte)'@', (byte)'+', 127, 0, (byte)'A', (byte)'!', 200 };
            var lineStarts = new List<int> { 0 };
            for (int i = 0; i < data.Length - 1; i++) if (data[i] == (byte)'\n') lineStarts.Add(i + 1);
            var plusTitles = lineStarts.Where(i => i + 2 < data.Length && data[i] == (byte)'+' && data[i + 1] != (byte)'\n' && data[i + 1] != (byte)'\r').ToList();
            var list = data.ToList();
            int at = random.Next(data.Length);
            switch (random.Next(5))
            {
                case 0: list[at] = bad[random.Next(bad.Length)]; break;
                case 1: list.RemoveAt(at); break;
                case 2: list.Insert(at, bad[random.Next(bad.Length)]); break;
                case 3: list[lineStarts[random.Next(lineStarts.Count)]] = bad[random.Next(bad.Length)]; break;
                default:
                    if (plusTitles.Count > 0) list[plusTitles[random.Next(plusTitles.Count)] + 1] ^= 1;
                    break;
            }
            data = list.ToArray();
        }
        return data;
    }

    [Fact]
    public void RandomDocumentsGiveWhatTheLineByLineParserGives()
    {
        var random = new Random(20261125);
        int failures = 0, successes = 0;
        for (int doc = 0; doc < 300; doc++)
        {
            byte[] data = Document(random);
            int? offset = random.Next(8) == 0 ? 64 : random.Next(8) == 0 ? 33 : null;
            foreach (int bufferSize in new[] { 1 << 20, 700, 64 })
            {
                var expected = Parse(data, bufferSize, fastPath: false, offset);
                var actual = Parse(data, bufferSize, fastPath: true, offset);
                Assert.True(expected == actual || Same(expected, actual),
                    $"document {doc}, buffer {bufferSize}: line-by-line {Describe(expected)}, fast path {Describe(actual)}");
                if (expected.ErrorLine == null) successes++; else failures++;
            }
        }
        // Both kinds of document occurred, so both kinds of outcome were compared.
        Assert.InRange(successes, 300, 900);
        Assert.InRange(failures, 200, 900);
    }

    [Fact]
    public void AnErrorAfterManyFastRecordsHasItsLineAndRecordCount()
    {
        var random = new Random(7);
        var text = new StringBuilder();
        for (int r = 0; r < 5000; r++) text.Append("@r").Append(r).Append('\n').Append(Sequence(random, 100)).Append("\n+\n").Append(Quality(random, 100)).Append('\n');
        text.Append("@bad\nACGT\n+\nII I\n");
        var outcome = Parse(Encoding.ASCII.GetBytes(text.ToString()), 1 << 20, fastPath: true, null);
        Assert.Equal(20004, outcome.ErrorLine);
        Assert.Equal(5000, outcome.ErrorRecords);
        Assert.Contains("a space (32) in a quality line", outcome.ErrorMessage);
    }

    private static bool Same(Outcome a, Outcome b) =>
        a.ErrorLine == b.ErrorLine && a.ErrorMessage == b.ErrorMessage && a.ErrorRecords == b.ErrorRecords
        && a.Reads == b.Reads && a.Bases == b.Bases && a.MaxLength == b.MaxLength && a.Records == b.Records
        && a.Lowest == b.Lowest && a.Highest == b.Highest
        && (a.Cells == null ? b.Cells == null : b.Cells != null && a.Cells.SequenceEqual(b.Cells));

    private static string Describe(Outcome o) => o.ErrorLine != null
        ? $"error at line {o.ErrorLine} after {o.ErrorRecords} records: {o.ErrorMessage}"
        : $"{o.Records} records, {o.Bases} bases, {o.Cells!.Count} cells";
}
