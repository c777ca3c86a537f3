using ParallelJobs.Quality;
using ParallelJobs.Parsing;
using ParallelJobs.Statistics;

namespace ParallelJobs.Quality.Tests;

/// <summary>Reads one file the way a worker does, with a chosen buffer size (small buffers split lines into many chunks).</summary>
internal static class QualityFiles
{
    /// <summary>
    /// Reads a file into a histogram of its own. A file that may be .qual is read a second time as a worker reads a
    /// small one, recorded and then counted (<see cref="ReadRecorded"/>), and both ways must agree: the same counts
    /// and scan, or the same error on the same line.
    /// </summary>
    public static (QualityHistogram Histogram, QualityFileScan Scan) Read(string path, int? phredOffset = null, int bufferSize = QualityFileReader.BufferSize)
    {
        var histogram = new QualityHistogram();
        bool mayBeQual = QualityFileReader.FormatFromName(path) != QualityFileFormat.Fastq;
        QualityFileScan scan;
        try
        {
            scan = QualityFileReader.Read(path, histogram, new byte[bufferSize], phredOffset, CancellationToken.None);
        }
        catch (QualityFormatException e) when (mayBeQual)
        {
            var again = Assert.Throws<QualityFormatException>(() => ReadRecorded(path, phredOffset, bufferSize));
            Assert.Equal((e.Line, e.Message, e.RecordsBeforeError), (again.Line, again.Message, again.RecordsBeforeError));
            throw;
        }
        if (mayBeQual)
        {
            var (recorded, recordedScan, wasRecorded) = ReadRecorded(path, phredOffset, bufferSize);
            AssertSame(histogram, recorded);
            Assert.Equal((scan.Format, scan.Compressed, scan.Records, scan.PhredOffset, scan.BytesRead),
                (recordedScan.Format, recordedScan.Compressed, recordedScan.Records, recordedScan.PhredOffset, recordedScan.BytesRead));
            Assert.Equal(wasRecorded, scan.Format == QualityFileFormat.Qual && !scan.Compressed && new FileInfo(path).Length <= QualityFileReader.RecordUpToBytes);
        }
        return (histogram, scan);
    }

    /// <summary>
    /// Reads a file as a worker reads a small plain .qual file: its reads recorded (Recorded true), then counted into
    /// a new histogram; any other file is parsed into that histogram as usual (Recorded false).
    /// </summary>
    public static (QualityHistogram Histogram, QualityFileScan Scan, bool Recorded) ReadRecorded(string path, int? phredOffset = null, int bufferSize = QualityFileReader.BufferSize)
    {
        var recording = new RecordedReads();
        var histogram = new QualityHistogram();
        var scan = QualityFileReader.Read(path, histogram, new byte[bufferSize], phredOffset, CancellationToken.None, helpers: 0, recording, out bool recorded);
        if (!recorded) return (histogram, scan, false);
        Assert.Equal(0, histogram.ReadCount); // the histogram is left alone
        Assert.Empty(Cells(histogram));
        Assert.Equal(scan.Records, recording.ReadCount);
        recording.AddTo(histogram);
        return (histogram, scan, true);
    }

    /// <summary>
    /// As a worker reads a file with <paramref name="helpers"/> idle workers beside it, whatever the file's size:
    /// a gzip file decompressed on a read-ahead thread, a BGZF file by several decoding threads.
    /// </summary>
    public static (QualityHistogram Histogram, QualityFileScan Scan) ReadWithHelpers(string path, int helpers, int? phredOffset = null)
    {
        var histogram = new QualityHistogram();
        var scan = QualityFileReader.Read(path, histogram, new byte[QualityFileReader.BufferSize], phredOffset, CancellationToken.None, helpers, helpersFromBytes: 0);
        return (histogram, scan);
    }

    /// <summary>Scores per column, as a histogram holding real scores (FASTQ Phred+64 shifted).</summary>
    public static QualityHistogram Scores(string path, int? phredOffset = null, int bufferSize = QualityFileReader.BufferSize)
    {
        var (raw, scan) = Read(path, phredOffset, bufferSize);
        var scores = new QualityHistogram();
        scores.Add(raw, scan.ScoreShift);
        return scores;
    }

    public static QualityFormatException Failure(string path, int? phredOffset = null, int bufferSize = QualityFileReader.BufferSize) =>
        Assert.Throws<QualityFormatException>(() => Read(path, phredOffset, bufferSize));

    /// <summary>All counts as a flat list (column, score, count) for exact comparisons.</summary>
    public static List<(int Column, int Score, long Count)> Cells(QualityHistogram histogram)
    {
        var cells = new List<(int, int, long)>();
        for (int c = 0; c < histogram.ColumnCount; c++)
            for (int s = 0; s < QualityHistogram.ScoreCount; s++)
            {
                long n = histogram.GetCount(c, s);
                if (n != 0) cells.Add((c, s, n));
            }
        return cells;
    }

    public static void AssertSame(QualityHistogram expected, QualityHistogram actual)
    {
        Assert.Equal(expected.ReadCount, actual.ReadCount);
        Assert.Equal(expected.BaseCount, actual.BaseCount);
        Assert.Equal(expected.MinLength, actual.MinLength);
        Assert.Equal(expected.MaxLength, actual.MaxLength);
        Assert.Equal(expected.BinWidth, actual.BinWidth);
        Assert.Equal(Cells(expected), Cells(actual));
    }

    /// <summary>The scores at each position of a single-record file: column c holds exactly one score.</summary>
    public static int[] SingleReadScores(QualityHistogram histogram)
    {
        Assert.Equal(1, histogram.ReadCount);
        var scores = new int[histogram.MaxLength];
        for (int c = 0; c < scores.Length; c++)
        {
            int found = -1;
            for (int s = 0; s < QualityHistogram.ScoreCount; s++)
                if (histogram.GetCount(c, s) == 1) found = s;
            scores[c] = found;
        }
        return scores;
    }
}
