using System;
using System.IO;
using ParallelJobs.Compression;

namespace ParallelJobs.Parsing
{
    /// <summary>A read-only stream that first returns bytes already read (for format sniffing), then the rest of the source.</summary>
    internal sealed class PrefixedStream : ForwardReadStream
    {
        private readonly byte[] _prefix;
        private readonly Stream _rest;
        private int _position;
        private readonly int _length;

        public PrefixedStream(byte[] prefix, int length, Stream rest)
        {
            _prefix = new byte[length];
            System.Buffer.BlockCopy(prefix, 0, _prefix, 0, length);
            _length = length;
            _rest = rest;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position < _length)
            {
                int n = Math.Min(count, _length - _position);
                System.Buffer.BlockCopy(_prefix, _position, buffer, offset, n);
                _position += n;
                return n;
            }
            return _rest.Read(buffer, offset, count);
        }

    }
}
