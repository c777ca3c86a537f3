using System.Buffers.Binary;
using System.IO.Compression;

namespace ParallelJobs.Quality.Tests.Plotting;

/// <summary>
/// Just enough of a PNG decoder to read Chromium's screenshots: 8-bit RGB or RGBA, not interlaced, all five
/// scanline filters. Written here because the tests take no third-party packages.
/// </summary>
internal sealed class PngImage
{
    private static readonly byte[] Signature = { 137, 80, 78, 71, 13, 10, 26, 10 };

    private readonly byte[] _pixels;
    private readonly int _bytesPerPixel;

    private PngImage(int width, int height, int bytesPerPixel, byte[] pixels)
    {
        Width = width;
        Height = height;
        _bytesPerPixel = bytesPerPixel;
        _pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }

    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            int i = (y * Width + x) * _bytesPerPixel;
            return (_pixels[i], _pixels[i + 1], _pixels[i + 2]);
        }
    }

    public static PngImage Load(string path) => Decode(File.ReadAllBytes(path));

    public static PngImage Decode(byte[] file)
    {
        if (file.Length < 8 || !file.AsSpan(0, 8).SequenceEqual(Signature))
        {
            throw new InvalidDataException("not a PNG file");
        }
        int width = 0, height = 0, bitDepth = 0, colorType = 0, interlace = 0;
        using var compressed = new MemoryStream();
        int offset = 8;
        while (offset + 8 <= file.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(offset));
            string type = System.Text.Encoding.ASCII.GetString(file, offset + 4, 4);
            var data = file.AsSpan(offset + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    bitDepth = data[8];
                    colorType = data[9];
                    interlace = data[12];
                    break;
                case "IDAT":
                    compressed.Write(data);
                    break;
            }
            offset += 12 + length; // length, type, data, CRC
            if (type == "IEND")
            {
                break;
            }
        }
        if (bitDepth != 8 || (colorType != 2 && colorType != 6) || interlace != 0)
        {
            throw new NotSupportedException($"PNG with bit depth {bitDepth}, colour type {colorType}, interlace {interlace}");
        }
        int bytesPerPixel = colorType == 6 ? 4 : 3;
        int stride = width * bytesPerPixel;

        compressed.Position = 0;
        using var inflater = new ZLibStream(compressed, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        inflater.CopyTo(raw);
        byte[] scanlines = raw.ToArray();
        if (scanlines.Length < height * (stride + 1))
        {
            throw new InvalidDataException("PNG image data is truncated");
        }

        var pixels = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            byte filter = scanlines[y * (stride + 1)];
            int source = y * (stride + 1) + 1;
            int row = y * stride;
            for (int i = 0; i < stride; i++)
            {
                int a = i >= bytesPerPixel ? pixels[row + i - bytesPerPixel] : 0;
                int b = y > 0 ? pixels[row - stride + i] : 0;
                int c = i >= bytesPerPixel && y > 0 ? pixels[row - stride + i - bytesPerPixel] : 0;
                int x = scanlines[source + i];
                pixels[row + i] = filter switch
                {
                    0 => (byte)x,
                    1 => (byte)(x + a),
                    2 => (byte)(x + b),
                    3 => (byte)(x + (a + b) / 2),
                    4 => (byte)(x + Paeth(a, b, c)),
                    _ => throw new InvalidDataException($"unknown PNG filter {filter} in row {y}"),
                };
            }
        }
        return new PngImage(width, height, bytesPerPixel, pixels);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc)
        {
            return a;
        }
        return pb <= pc ? b : c;
    }
}
