using System;
using System.IO;

namespace ParallelJobs.Compression
{
    /// <summary>
    /// A stream that is only read, front to back, once (decompressed data, a file behind a prefix): everything but
    /// <see cref="Stream.Read(byte[], int, int)"/> is answered here, so each such stream says only how it reads.
    /// </summary>
    internal abstract class ForwardReadStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
