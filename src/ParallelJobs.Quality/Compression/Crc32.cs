namespace ParallelJobs.Compression
{
    /// <summary>
    /// CRC-32 as gzip uses it (polynomial 0xEDB88320, reflected, initial and final XOR 0xFFFFFFFF), computed eight
    /// bytes at a time with eight tables (slicing-by-8). The managed reference; gzip reading uses the runtime's
    /// native one when it has it (<see cref="NativeZlib"/>).
    /// </summary>
    internal static class Crc32
    {
        private static readonly uint[] Tables = BuildTables();

        /// <summary>The CRC of <paramref name="count"/> bytes continuing from <paramref name="crc"/> (0 to start).</summary>
        public static unsafe uint Update(uint crc, byte[] data, int offset, int count)
        {
            uint c = ~crc;
            fixed (uint* t = Tables)
            fixed (byte* start = data)
            {
                byte* p = start + offset;
                byte* end = p + count;
                while (end - p >= 8)
                {
                    uint low = c ^ (uint)(p[0] | p[1] << 8 | p[2] << 16 | p[3] << 24);
                    uint high = (uint)(p[4] | p[5] << 8 | p[6] << 16 | p[7] << 24);
                    c = t[7 * 256 + (low & 0xff)] ^ t[6 * 256 + ((low >> 8) & 0xff)] ^ t[5 * 256 + ((low >> 16) & 0xff)] ^ t[4 * 256 + (low >> 24)]
                      ^ t[3 * 256 + (high & 0xff)] ^ t[2 * 256 + ((high >> 8) & 0xff)] ^ t[1 * 256 + ((high >> 16) & 0xff)] ^ t[high >> 24];
                    p += 8;
                }
                while (p < end) c = t[(c ^ *p++) & 0xff] ^ (c >> 8);
            }
            return ~c;
        }

        private static uint[] BuildTables()
        {
            var t = new uint[8 * 256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                t[n] = c;
            }
            for (int n = 0; n < 256; n++)
                for (int k = 1; k < 8; k++)
                    t[k * 256 + n] = t[(k - 1) * 256 + n] >> 8 ^ t[t[(k - 1) * 256 + n] & 0xff];
            return t;
        }
    }
}
