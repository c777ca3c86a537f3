using System.Numerics;
using ParallelJobs.Quality;
using ParallelJobs.Scanning;

namespace ParallelJobs.Quality.Tests.Parsing;

/// <summary>
/// The byte scans under the FASTQ fast path (vectors where the machine has them, then eight or sixteen bytes, then
/// one at a time) against a plain loop: every length up to three vectors, a byte out of place at every position,
/// and the values that matter at both ends of the range.
/// </summary>
public sealed unsafe class FastqScanPrimitiveTests
{
    private static readonly int MaxLength = 3 * Vector<byte>.Count + 17;

    private static int FirstOutside(byte[] data, int low)
    {
        for (int i = 0; i < data.Length; i++)
            if (data[i] < low || data[i] > 126) return i;
        return -1;
    }

    [Theory]
    [InlineData(33)]
    [InlineData(64)]
    public void AllWithinFindsTheFirstByteOutsideTheRange(int low)
    {
        var random = new Random(low);
        byte[] wrong = { 0, 9, 10, 13, 32, (byte)(low - 1), 127, 128, 200, 255 };
        int checkedOutside = 0;
        for (int length = 0; length <= MaxLength; length++)
        {
            for (int bad = -1; bad < length; bad++)
            {
                foreach (byte value in bad < 0 ? new byte[] { 0 } : wrong)
                {
                    var data = new byte[length];
                    for (int i = 0; i < length; i++) data[i] = (byte)random.Next(low, 127);
                    if (length > 0) { data[0] = (byte)low; data[length - 1] = 126; } // both ends of the range are in it
                    if (bad >= 0) data[bad] = value;
                    // A second wrong byte after the first: the first must be reported.
                    if (bad >= 0 && bad + 3 < length) data[bad + 3] = 0;
                    int expected = FirstOutside(data, low);
                    fixed (byte* p = data)
                    {
                        bool within = ByteScan.AllWithin(p, length, low, out byte* outside);
                        Assert.Equal(expected < 0, within);
                        if (!within)
                        {
                            Assert.Equal(expected, (int)(outside - p));
                            checkedOutside++;
                        }
                    }
                }
            }
        }
        Assert.True(checkedOutside > 1000);
    }

    [Fact]
    public void IndexOfNewlineFindsTheFirstLineEndFromAnyStart()
    {
        for (int length = 0; length <= MaxLength; length++)
        {
            for (int at = -1; at < length; at++)
            {
                var data = new byte[length];
                for (int i = 0; i < length; i++) data[i] = (byte)('A' + i % 26);
                if (at >= 0) data[at] = (byte)'\n';
                if (at >= 0 && at + 1 < length) data[length - 1] = (byte)'\n'; // a later one must not win
                fixed (byte* p = data)
                {
                    foreach (int from in new[] { 0, 1, 5 })
                    {
                        if (from > length) continue;
                        int expected = Array.IndexOf(data, (byte)'\n', from);
                        Assert.Equal(expected, ByteScan.IndexOfNewline(p, from, length));
                    }
                }
            }
        }
    }

    [Fact]
    public void SameBytesNoticesADifferenceAtAnyPosition()
    {
        for (int length = 0; length <= MaxLength; length++)
        {
            var x = new byte[length];
            for (int i = 0; i < length; i++) x[i] = (byte)(i * 7 + 1);
            for (int differ = -1; differ < length; differ++)
            {
                var y = (byte[])x.Clone();
                if (differ >= 0) y[differ] ^= 0x20;
                fixed (byte* px = x)
                fixed (byte* py = y)
                    Assert.Equal(differ < 0, ByteScan.SameBytes(px, py, length));
            }
        }
    }
}
