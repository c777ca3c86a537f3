using System.Text;
using ParallelJobs.Quality;
using ParallelJobs.Parsing;
using ParallelJobs.Statistics;

namespace ParallelJobs.Quality.Tests.Parsing;

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

    [Fact]
    public void RandomDocumentsGiveWhatTheLineByLineParserGives()
    {
        var random = new Random(20261125);
        int failures = 0, successes = 0;
        for (int doc = 0; doc < 300; doc++)
        {
            byte[] data = RandomFastq.Document(random);
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
        for (int r = 0; r < 5000; r++) text.Append("@r").Append(r).Append('\n').Append(RandomFastq.Sequence(random, 100)).Append("\n+\n").Append(RandomFastq.Quality(random, 100)).Append('\n');
        text.Append("@bad\nACGT\n+\nII I\n");
        var outcome = Parse(Encoding.ASCII.GetBytes(text.ToString()), 1 << 20, fastPath: true, null);
        Assert.Equal(20004, outcome.ErrorLine);
        Assert.Equal(5000, outcome.ErrorRecords);
        Assert.Contains("a space (32) in a quality line", outcome.ErrorMessage);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("mixed")]
    public void PlainRecordsTakeTheFastPathWhateverTheirLineEnds(string lineEnd)
    {
        var random = new Random(11);
        var text = new StringBuilder();
        string Eol() => lineEnd != "mixed" ? lineEnd : random.Next(2) == 0 ? "\r\n" : "\n";
        for (int r = 0; r < 1000; r++)
        {
            string title = "r" + r + " " + new string('x', random.Next(60));
            text.Append('@').Append(title).Append(Eol()).Append(RandomFastq.Sequence(random, 150)).Append(Eol())
                .Append(r % 2 == 0 ? "+" : "+" + title).Append(Eol()).Append(RandomFastq.Quality(random, 150)).Append(Eol());
        }
        byte[] data = Encoding.ASCII.GetBytes(text.ToString());
        var reader = new LineChunkReader(new MemoryStream(data), new byte[1 << 20]);
        var histogram = new QualityHistogram();
        var scan = FastqReader.Read(reader, histogram, null, CancellationToken.None);
        Assert.Equal(1000, scan.Records);
        // All but the first record, which is read line by line because nothing is buffered yet when the parser starts.
        Assert.Equal(3996, reader.LinesConsumed);
        Assert.Equal(Parse(data, 1 << 20, fastPath: false, null), Parse(data, 1 << 20, fastPath: true, null), (a, b) => a == b || Same(a, b));
    }

    [Fact]
    public void APlusLineWithoutTheTitlesOwnCarriageReturnDoesNotRepeatIt()
    {
        // The second title is "r1\r" (a '\r' of its own before the CRLF); "+r1" then a CRLF repeats only "r1".
        byte[] data = Encoding.ASCII.GetBytes("@r0\nACGT\n+\nIIII\n@r1\r\r\nACGT\r\n+r1\r\nIIII\r\n@r2\nACGT\n+\nIIII\n");
        var lineByLine = Parse(data, 1 << 20, fastPath: false, null);
        Assert.Equal(7, lineByLine.ErrorLine);
        Assert.Contains("does not repeat the title", lineByLine.ErrorMessage);
        Assert.Equal(lineByLine, Parse(data, 1 << 20, fastPath: true, null), (a, b) => a == b || Same(a, b));
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
