using System.Text;
using ParallelJobs.Parsing;

namespace ParallelJobs.Quality.Tests.Parsing;

/// <summary>
/// The FASTQ record splitter against a plain reference that reads the same rule line by line: random documents
/// (every defect and layout <see cref="RandomFastq"/> makes, and titles with a '\r' of their own), split at every
/// '@' and at random places, with the right, a wrong and no expected length, and cut short at random.
/// </summary>
public sealed unsafe class FastqRecordSplitterTests
{
    private sealed record Split(int TitleLength, int SequenceStart, int Length, int QualityStart, int Next);

    /// <summary>A line from <paramref name="from"/>: its content's end (one '\r' before the '\n' is not content) and the next line's start.</summary>
    private static bool Line(byte[] d, int from, int end, out int contentEnd, out int next)
    {
        contentEnd = next = -1;
        int newline = Array.IndexOf(d, (byte)'\n', from, Math.Max(0, end - from));
        if (newline < 0) return false;
        contentEnd = newline > from && d[newline - 1] == (byte)'\r' ? newline - 1 : newline;
        next = newline + 1;
        return true;
    }

    /// <summary>The rule, one line at a time: title, sequence (not empty, '!'..'~', no leading '+'), '+' line empty or the title, then as many quality bytes as bases and a line end.</summary>
    private static Split? Reference(byte[] d, int start, int end)
    {
        if (start >= end || d[start] != (byte)'@') return null;
        if (!Line(d, start, end, out int titleEnd, out int sequenceStart)) return null;
        if (!Line(d, sequenceStart, end, out int sequenceEnd, out int plusStart)) return null;
        int length = sequenceEnd - sequenceStart;
        if (length == 0 || d[sequenceStart] == (byte)'+') return null;
        for (int i = sequenceStart; i < sequenceEnd; i++)
            if (d[i] < 33 || d[i] > 126) return null;
        if (plusStart >= end || d[plusStart] != (byte)'+') return null;
        if (!Line(d, plusStart, end, out int plusEnd, out int qualityStart)) return null;
        var title = d.AsSpan(start + 1, titleEnd - start - 1);
        var plus = d.AsSpan(plusStart + 1, plusEnd - plusStart - 1);
        if (plus.Length != 0 && !plus.SequenceEqual(title)) return null;
        int q = qualityStart + length;
        int next = q < end && d[q] == (byte)'\n' ? q + 1 : q + 1 < end && d[q] == (byte)'\r' && d[q + 1] == (byte)'\n' ? q + 2 : -1;
        return next < 0 ? null : new Split(title.Length, sequenceStart, length, qualityStart, next);
    }

    private static Split? Actual(byte[] d, int start, int end, int expectedLength)
    {
        var padded = new byte[d.Length + 1]; // a buffer of at least one byte, as the reader's
        d.CopyTo(padded, 0);
        fixed (byte* b = padded)
        {
            return FastqRecordSplitter.TrySplit(b, start, end, expectedLength, out FastqRecordLines r)
                ? new Split(r.TitleLength, r.SequenceStart, r.Length, r.QualityStart, r.Next)
                : null;
        }
    }

    /// <summary>A few records whose titles may end in '\r' before their CRLF, with '+' lines that repeat them or not quite.</summary>
    private static byte[] CarriageReturnTitles(Random random)
    {
        var text = new StringBuilder();
        for (int r = random.Next(1, 6); r > 0; r--)
        {
            string title = "t" + random.Next(100) + new string('\r', random.Next(3));
            int length = random.Next(1, 8);
            string eol = random.Next(2) == 0 ? "\n" : "\r\n";
            string plus = random.Next(3) switch { 0 => "", 1 => title, _ => title.TrimEnd('\r') };
            text.Append('@').Append(title).Append(eol).Append(RandomFastq.Sequence(random, length)).Append(eol)
                .Append('+').Append(plus).Append(random.Next(2) == 0 ? "\n" : "\r\n").Append(RandomFastq.Quality(random, length)).Append(eol);
        }
        return Encoding.Latin1.GetBytes(text.ToString());
    }

    [Fact]
    public void RandomDocumentsSplitAsTheLineByLineRuleSays()
    {
        var random = new Random(20261203);
        int split = 0, refused = 0;
        for (int doc = 0; doc < 600; doc++)
        {
            byte[] data = doc % 3 == 0 ? CarriageReturnTitles(random) : RandomFastq.Document(random);
            var starts = Enumerable.Range(0, data.Length).Where(i => data[i] == (byte)'@').ToList();
            for (int i = 0; i < 5 && data.Length > 0; i++) starts.Add(random.Next(data.Length));
            foreach (int start in starts)
            {
                int end = random.Next(4) == 0 ? random.Next(start, data.Length + 1) : data.Length;
                var expected = Reference(data, start, end);
                int usual = expected?.Length ?? 0;
                foreach (int guess in new[] { 0, usual, usual + 1, Math.Max(1, usual - 1), random.Next(1, 300) })
                {
                    var actual = Actual(data, start, end, guess);
                    Assert.True(expected == actual,
                        $"document {doc}, start {start}, end {end}, expected length {guess}: reference {expected?.ToString() ?? "no record"}, splitter {actual?.ToString() ?? "no record"}");
                }
                if (expected == null) refused++; else split++;
            }
        }
        // Both outcomes occurred often, so both were compared.
        Assert.True(split > 2000, $"{split} records split");
        Assert.True(refused > 2000, $"{refused} places refused");
    }
}
