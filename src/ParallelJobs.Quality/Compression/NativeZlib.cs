using System;
using System.Runtime.InteropServices;

namespace ParallelJobs.Compression
{
    /// <summary>
    /// The zlib that every .NET (Core) runtime ships for its own DeflateStream: the C shim System.IO.Compression.Native
    /// (libSystem.IO.Compression.Native.so / .dylib, System.IO.Compression.Native.dll) beside the runtime, whose
    /// functions wrap inflateInit2_, inflate, inflateEnd and crc32 over a small stream struct of its own
    /// (PAL_ZStream). Called directly because DeflateStream hides where a deflate stream ends, and a gzip member's
    /// trailer starts there. The .NET Framework (Windows PowerShell 5.1) and Mono have no such library:
    /// <see cref="IsAvailable"/> is false there and the managed inflater is used.
    /// </summary>
    internal static unsafe class NativeZlib
    {
        private const string Library = "System.IO.Compression.Native";

        public const int NoFlush = 0;
        public const int Ok = 0, StreamEnd = 1, NeedDictionary = 2, StreamError = -2, DataError = -3, MemoryError = -4, BufferError = -5;

        /// <summary>The shim's PAL_ZStream: the same fields on every platform (pointers, then two 32-bit counts).</summary>
        [StructLayout(LayoutKind.Sequential)]
        public struct ZStream
        {
            public byte* NextIn;
            public byte* NextOut;
            public IntPtr Message;
            public IntPtr InternalState;
            public uint AvailIn;
            public uint AvailOut;
        }

        [DllImport(Library, EntryPoint = "CompressionNative_InflateInit2_")]
        public static extern int InflateInit2(ZStream* stream, int windowBits);

        [DllImport(Library, EntryPoint = "CompressionNative_Inflate")]
        public static extern int Inflate(ZStream* stream, int flush);

        [DllImport(Library, EntryPoint = "CompressionNative_InflateEnd")]
        public static extern int InflateEnd(ZStream* stream);

        /// <summary>.NET 9 and later.</summary>
        [DllImport(Library, EntryPoint = "CompressionNative_InflateReset2_")]
        public static extern int InflateReset2(ZStream* stream, int windowBits);

        /// <summary>.NET 8 and earlier.</summary>
        [DllImport(Library, EntryPoint = "CompressionNative_InflateReset")]
        public static extern int InflateReset(ZStream* stream);

        [DllImport(Library, EntryPoint = "CompressionNative_Crc32")]
        private static extern uint Crc32(uint crc, byte* buffer, int length);

        private static readonly Lazy<bool> Available = new Lazy<bool>(SelfTest);

        /// <summary>The library loads and inflates a known stream correctly (checked once per process).</summary>
        public static bool IsAvailable => Available.Value;

        /// <summary>Why <see cref="IsAvailable"/> is false (for tests and diagnostics); null when it is true or not yet checked.</summary>
        public static string? UnavailableReason { get; private set; }

        /// <summary>CRC-32 of data[offset, offset + count), continuing from crc: the runtime's when it has one, else the managed one.</summary>
        public static uint UpdateCrc(uint crc, byte[] data, int offset, int count)
        {
            if (count == 0) return crc;
            if (!IsAvailable) return Compression.Crc32.Update(crc, data, offset, count);
            fixed (byte* p = data) return Crc32(crc, p + offset, count);
        }

        private static bool SelfTest()
        {
            try
            {
                // "hello hello hello\n" as raw deflate (fixed Huffman codes, one back-reference), then a byte after it
                // that must be left unread.
                byte[] deflated = { 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0xc8, 0x40, 0x90, 0x5c, 0x00, 0xaa };
                byte[] expected = System.Text.Encoding.ASCII.GetBytes("hello hello hello\n");
                var output = new byte[64];
                int produced = 0;
                using (var inflater = new NativeInflater())
                {
                    var input = new CompressedInput(new System.IO.MemoryStream(deflated), 64);
                    while (!inflater.Finished)
                    {
                        int n = inflater.Inflate(input, output, produced, output.Length - produced);
                        if (n == 0 && !inflater.Finished) break;
                        produced += n;
                    }
                    if (!inflater.Finished || produced != expected.Length || input.ReadByte() != 0xAA) return Unavailable("it decompressed a known stream wrongly");
                    inflater.Reset();
                }
                for (int i = 0; i < expected.Length; i++)
                    if (output[i] != expected[i]) return Unavailable("it decompressed a known stream wrongly");
                fixed (byte* p = expected)
                    if (Crc32(0, p, expected.Length) != Compression.Crc32.Update(0, expected, 0, expected.Length)) return Unavailable("its CRC-32 differs from the managed one");
                return true;
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException || e is BadImageFormatException
                || e is TypeLoadException || e is InvalidOperationException || e is GzipDataException || e is NotSupportedException)
            {
                return Unavailable(e.GetType().Name + ": " + e.Message);
            }
        }

        private static bool Unavailable(string reason)
        {
            UnavailableReason = Library + " is not usable: " + reason;
            return false;
        }
    }
}
