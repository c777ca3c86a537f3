using System.Text;
using ParallelJobs.Remote;

namespace ParallelJobs.Engine.Tests.Remote;

public class RemoteMarkerFilterTests
{
    private const string Nonce = "PJ-0123456789abcdef01234567";

    private static string M(string words) => "\n" + Nonce + " " + words + "\n";

    /// <summary>Feeds the bytes in the given chunk sizes (cycled) and returns what passed through.</summary>
    private static (byte[] Output, RemoteMarkerFilter Filter) Run(byte[] input, params int[] chunkSizes)
    {
        var filter = new RemoteMarkerFilter(Nonce);
        var output = new MemoryStream();
        int at = 0, k = 0;
        while (at < input.Length)
        {
            int n = Math.Min(chunkSizes[k++ % chunkSizes.Length], input.Length - at);
            // A fresh array per chunk, as a reader's buffer is reused: the filter must not keep references.
            var chunk = new byte[n + 3];
            Array.Copy(input, at, chunk, 2, n);
            filter.Feed(chunk, 2, n, (b, o, c) => output.Write(b, o, c));
            Array.Fill(chunk, (byte)'#');
            at += n;
        }
        filter.Complete((b, o, c) => output.Write(b, o, c));
        return (output.ToArray(), filter);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(4096)]
    public void MarkersAnywhere_AreRemovedWhole_AndEveryOtherByteIsKept(int chunk)
    {
        string user1 = "line one\npartial", user2 = " continued\n\nlast without newline";
        string stream = M("pid 4242") + user1 + M("hb") + user2 + M("exit 3");
        var (output, filter) = Run(Encoding.UTF8.GetBytes(stream), chunk);
        Assert.Equal(user1 + user2, Encoding.UTF8.GetString(output));
        Assert.Equal(4242, filter.RemotePid);
        Assert.Equal(3, filter.ExitStatus);
        Assert.Equal(1, filter.Heartbeats);
        Assert.False(filter.NoDirectory);
    }

    [Fact]
    public void LookalikesOfTheMarker_AreTheCommandsOwnBytes()
    {
        string text = "\nPJ-0123456789abcdef0123456\n" +           // a prefix of the nonce, then a newline
                      "\n" + Nonce + "\n" +                        // the nonce without the space
                      "\nPJ-0123456789abcdef01234567X exit 1\n" +  // one byte off
                      "\n\n\n" + Nonce.Substring(0, 10);           // ends on a partial prefix
        var (output, filter) = Run(Encoding.UTF8.GetBytes(text), 1, 3, 5);
        Assert.Equal(text, Encoding.UTF8.GetString(output));
        Assert.Null(filter.ExitStatus);
    }

    [Fact]
    public void AnOverlongMarkerLine_IsTheCommandsOwnText()
    {
        string text = "\n" + Nonce + " " + new string('x', 1000) + "\nafter";
        var (output, filter) = Run(Encoding.UTF8.GetBytes(text), 13);
        Assert.Equal(text, Encoding.UTF8.GetString(output));
    }

    [Fact]
    public void RandomBinaryOutput_WithMarkersInserted_ComesBackExactly()
    {
        var random = new Random(12345);
        for (int round = 0; round < 50; round++)
        {
            var user = new byte[random.Next(0, 5000)];
            random.NextBytes(user);
            // Plenty of newlines, so the filter often has to look at what follows one.
            for (int i = 0; i < user.Length; i += random.Next(1, 40)) user[i] = (byte)'\n';
            var stream = new MemoryStream();
            int cut1 = random.Next(0, user.Length + 1), cut2 = random.Next(cut1, user.Length + 1);
            stream.Write(Encoding.ASCII.GetBytes(M("pid 1")));
            stream.Write(user, 0, cut1);
            stream.Write(Encoding.ASCII.GetBytes(M("hb")));
            stream.Write(user, cut1, cut2 - cut1);
            stream.Write(Encoding.ASCII.GetBytes(M("exit 0")));
            stream.Write(user, cut2, user.Length - cut2);
            var (output, filter) = Run(stream.ToArray(), random.Next(1, 100), random.Next(1, 3000));
            Assert.Equal(user, output);
            Assert.Equal(0, filter.ExitStatus);
        }
    }

    [Fact]
    public void NoDirectory_IsReported()
    {
        var (output, filter) = Run(Encoding.UTF8.GetBytes(M("nodir")), 100);
        Assert.Empty(output);
        Assert.True(filter.NoDirectory);
    }
}
