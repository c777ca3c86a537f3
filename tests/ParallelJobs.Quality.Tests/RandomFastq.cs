using System.Text;

namespace ParallelJobs.Quality.Tests;

/// <summary>
/// Random FASTQ documents for equivalence tests: mostly plain four-line records, mixed with everything a fast
/// or split reader must leave to the line-by-line parser (wrapped records, CRLF, '+title' lines, quality lines
/// starting with '@' or '+', empty and long reads, blank lines, no final newline) and, in half of them, one
/// defect (a byte changed, removed or added; a line's first byte; any byte of a '+title' line).
/// </summary>
internal static class RandomFastq
{
    public static string Quality(Random random, int length)
    {
        var b = new StringBuilder(length);
        for (int i = 0; i < length; i++) b.Append((char)random.Next(33, 127));
        return b.ToString();
    }

    public static string Sequence(Random random, int length)
    {
        var b = new StringBuilder(length);
        for (int i = 0; i < length; i++) b.Append("ACGTN"[random.Next(5)]);
        return b.ToString();
    }

    public static byte[] Document(Random random)
    {
        var text = new StringBuilder();
        int records = random.Next(0, 60);
        int usual = random.Next(1, 300);
        // Line ends: LF with a CRLF record now and then, CRLF throughout (a file from Windows), or mixed line by line.
        int eolMode = random.Next(4);
        for (int r = 0; r < records; r++)
        {
            string recordEol = eolMode == 1 || (eolMode == 0 && random.Next(15) == 0) ? "\r\n" : "\n";
            string Eol() => eolMode == 2 ? (random.Next(2) == 0 ? "\r\n" : "\n") : recordEol;
            int kind = random.Next(20);
            int length = kind == 0 ? 0 : kind == 1 ? random.Next(1, 5000) : random.Next(8) == 0 ? random.Next(1, 400) : usual;
            string title = "r" + r + (random.Next(3) == 0 ? " extra description " + random.Next() : "");
            string sequence = Sequence(random, length);
            string quality = Quality(random, length);
            if (random.Next(10) == 0 && length > 0) quality = "@" + quality.Substring(1);   // quality that looks like a title
            if (random.Next(10) == 0 && length > 0) quality = "+" + quality.Substring(1);
            text.Append('@').Append(title).Append(Eol());
            if (kind == 2 && length > 2)
            {
                int cut = random.Next(1, length);
                text.Append(sequence, 0, cut).Append(Eol()).Append(sequence, cut, length - cut).Append(Eol());
            }
            else text.Append(sequence).Append(Eol());
            text.Append(random.Next(4) == 0 ? "+" + title : "+").Append(Eol());
            if (kind == 3 && length > 2)
            {
                int cut = random.Next(1, length);
                text.Append(quality, 0, cut).Append(Eol()).Append(quality, cut, length - cut).Append(Eol());
            }
            else text.Append(quality).Append(Eol());
            if (random.Next(30) == 0) text.Append(Eol()); // blank line between records
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
                    if (plusTitles.Count > 0)
                    {
                        int plus = plusTitles[random.Next(plusTitles.Count)];
                        int lineEnd = Array.IndexOf(data, (byte)'\n', plus);
                        int contentLength = (lineEnd < 0 ? data.Length : lineEnd) - plus - 1;
                        list[plus + 1 + random.Next(Math.Max(1, contentLength))] ^= 1;
                    }
                    break;
            }
            data = list.ToArray();
        }
        return data;
    }

}
