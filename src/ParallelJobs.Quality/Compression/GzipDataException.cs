using System;

namespace ParallelJobs.Compression
{
    /// <summary>
    /// gzip data that cannot be trusted: corrupt (a deflate error, a wrong CRC-32 or length in a member's trailer, a
    /// bad header) or truncated (the file ends inside a member, or a BGZF file ends without its end-of-file
    /// block). The message says which and at which compressed byte (0-based offset in the file).
    /// </summary>
    internal sealed class GzipDataException : Exception
    {
        internal GzipDataException(string message, long compressedOffset, bool truncated) : base(message)
        {
            CompressedOffset = compressedOffset;
            Truncated = truncated;
        }

        /// <summary>0-based offset in the compressed file where the defect was found (for a truncated file: its length).</summary>
        public long CompressedOffset { get; }

        /// <summary>True when the data ends early rather than being wrong.</summary>
        public bool Truncated { get; }

        internal static GzipDataException Corrupt(long offset, string detail) =>
            new GzipDataException("gzip data is corrupt at compressed byte " + offset + (string.IsNullOrEmpty(detail) ? "" : ": " + detail), offset, truncated: false);

        internal static GzipDataException EndsEarly(long offset, string detail) =>
            new GzipDataException("gzip data ends early (truncated?) at compressed byte " + offset + (string.IsNullOrEmpty(detail) ? "" : ": " + detail), offset, truncated: true);
    }
}
