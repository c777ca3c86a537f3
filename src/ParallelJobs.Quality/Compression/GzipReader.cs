using System;
using System.Globalization;
using System.Collections.Generic;
using System.IO;

namespace ParallelJobs.Compression
{
    /// <summary>
    /// Reads a gzip file (RFC 1952) as its uncompressed bytes, every member of it (concatenated gzip, pigz, BGZF),
    /// and trusts nothing it has not checked: each member's header, its deflate data, and its trailer (the CRC-32
    /// and the length, modulo 2^32, of the member's data). A file that ends anywhere inside a member is truncated;
    /// so is a BGZF file (a member with the 'BC' extra subfield) that does not end with BGZF's empty end-of-file
    /// block, because BGZF cut at a block boundary is otherwise a valid gzip file. Both throw
    /// <see cref="GzipDataException"/> saying at which compressed byte. After the last member, zero bytes are
    /// ignored (as gzip does: tape padding), and anything else is not read but reported in <see cref="Warning"/>.
    /// </summary>
    internal sealed class GzipReader : ForwardReadStream
    {
        /// <summary>Compressed bytes read from the file at a time.</summary>
        public const int InputBufferSize = 256 * 1024;

        private readonly Stream _file;
        private readonly bool _leaveOpen;
        private readonly CompressedInput _input;
        private readonly RawInflater _inflater;
        private readonly List<byte> _header = new List<byte>();
        private State _state = State.MemberStart;
        private uint _crc;
        private long _memberLength;
        private long _memberStart;
        private bool _memberIsBgzf;
        private bool _lastMemberIsBgzfData;
        private long _length;
        private bool _disposed;

        private enum State { MemberStart, Data, End }

        /// <param name="file">The file, at its first byte (which must be a gzip header).</param>
        /// <param name="preferNative">False: the managed inflater even where the runtime's zlib is available (tests).</param>
        public GzipReader(Stream file, bool leaveOpen = false, bool preferNative = true)
        {
            _file = file ?? throw new ArgumentNullException(nameof(file));
            _leaveOpen = leaveOpen;
            _input = new CompressedInput(file, InputBufferSize);
            _inflater = RawInflater.Create(preferNative);
        }

        /// <summary>True when the runtime's zlib does the inflating.</summary>
        public bool UsesNativeInflater => _inflater is NativeInflater;

        /// <summary>Members read so far.</summary>
        public int Members { get; private set; }

        /// <summary>Set at the end when bytes other than zeros follow the last member (they are not read); null otherwise.</summary>
        public string? Warning { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_disposed) throw new ObjectDisposedException(nameof(GzipReader));
            if (buffer == null) throw new ArgumentNullException(nameof(buffer));
            if (offset < 0 || count < 0 || offset + count > buffer.Length) throw new ArgumentOutOfRangeException(nameof(count));
            if (count == 0) return 0;
            while (true)
            {
                switch (_state)
                {
                    case State.MemberStart:
                        if (!StartMember()) _state = State.End;
                        else _state = State.Data;
                        break;
                    case State.Data:
                        int n = _inflater.Inflate(_input, buffer, offset, count);
                        if (n > 0)
                        {
                            _crc = NativeOrManagedCrc(_crc, buffer, offset, n);
                            _memberLength += n;
                            _length += n;
                        }
                        if (_inflater.Finished)
                        {
                            EndMember();
                            _state = State.MemberStart;
                        }
                        if (n > 0) return n;
                        break;
                    default:
                        return 0;
                }
            }
        }

        private uint NativeOrManagedCrc(uint crc, byte[] data, int offset, int count) =>
            _inflater is NativeInflater ? NativeZlib.UpdateCrc(crc, data, offset, count) : Crc32.Update(crc, data, offset, count);

        /// <summary>Reads the next member's header; false at the end of the data (checked: BGZF end block, trailing bytes).</summary>
        private bool StartMember()
        {
            _memberStart = _input.Position;
            if (Members > 0)
            {
                int first = _input.ReadByte();
                if (first < 0)
                {
                    FinishFile();
                    return false;
                }
                int second = first == 0x1f ? _input.ReadByte() : -2;
                if (second == -1) throw GzipDataException.EndsEarly(_input.Position, "the file ends inside the header of member " + (Members + 1));
                if (first != 0x1f || second != 0x8b)
                {
                    TrailingBytes(second == -2 ? 1 : 2, onlyZeros: first == 0);
                    return false;
                }
                _input.Unread(2);
            }
            ReadHeader();
            _inflater.Reset();
            _crc = 0;
            _memberLength = 0;
            return true;
        }

        /// <summary>The member's trailer: CRC-32 and length of its data, little-endian.</summary>
        private void EndMember()
        {
            long trailerAt = _input.Position;
            uint crc = ReadUInt32(trailerAt, "the trailer");
            uint length = ReadUInt32(trailerAt, "the trailer");
            Members++;
            if (crc != _crc)
                throw GzipDataException.Corrupt(trailerAt, "the CRC-32 of member " + Members + "'s data is " + _crc.ToString("x8", CultureInfo.InvariantCulture) + ", its trailer says " + crc.ToString("x8", CultureInfo.InvariantCulture));
            if (length != (uint)_memberLength)
                throw GzipDataException.Corrupt(trailerAt + 4, "member " + Members + " holds " + _memberLength + " bytes" + (_memberLength > uint.MaxValue ? " (" + (uint)_memberLength + " modulo 2^32)" : "")
                    + ", its trailer says " + length);
            _lastMemberIsBgzfData = _memberIsBgzf && _memberLength > 0;
        }

        /// <summary>The end of the file after a whole member.</summary>
        private void FinishFile()
        {
            if (_lastMemberIsBgzfData)
                throw GzipDataException.EndsEarly(_input.Position, "the file is BGZF but does not end with BGZF's end-of-file block; it was probably cut after block " + Members);
        }

        /// <summary>Bytes after the last member that do not start another: zeros are ignored, anything else is reported.</summary>
        private void TrailingBytes(long count, bool onlyZeros)
        {
            long at = _memberStart;
            // The first bytes were taken; count the rest (and see whether it is all zeros) without decompressing.
            while (true)
            {
                if (_input.Available == 0 && !_input.Fill()) break;
                if (onlyZeros)
                {
                    for (int i = _input.Start; i < _input.End; i++)
                        if (_input.Buffer[i] != 0) { onlyZeros = false; break; }
                }
                count += _input.Available;
                _input.Start = _input.End;
            }
            if (onlyZeros)
            {
                FinishFile();
                return;
            }
            // Not gzip data: the members before were checked and are read; what follows is not.
            Warning = count + " byte" + (count == 1 ? "" : "s") + " after the last gzip member (from compressed byte " + at + ") are not gzip data and were ignored";
            if (_lastMemberIsBgzfData)
                throw GzipDataException.EndsEarly(at, "the file is BGZF but its last block before " + count + " bytes of other data is not BGZF's end-of-file block; it was probably cut after block " + Members);
        }

        private void ReadHeader()
        {
            long start = _input.Position;
            int member = Members + 1;
            _header.Clear();
            int id1 = HeaderByte(member), id2 = HeaderByte(member);
            if (id1 != 0x1f || id2 != 0x8b) throw GzipDataException.Corrupt(start, "member " + member + " does not start with gzip's magic bytes 1f 8b");
            int method = HeaderByte(member);
            if (method != 8) throw GzipDataException.Corrupt(start + 2, "member " + member + " uses compression method " + method + ", not deflate (8)");
            int flags = HeaderByte(member);
            if ((flags & 0xe0) != 0) throw GzipDataException.Corrupt(start + 3, "member " + member + " has reserved header flags set (0x" + flags.ToString("x2", CultureInfo.InvariantCulture) + ")");
            for (int i = 0; i < 6; i++) HeaderByte(member); // modification time, extra flags, operating system
            _memberIsBgzf = false;
            if ((flags & 4) != 0)
            {
                int extraLength = HeaderByte(member) | HeaderByte(member) << 8;
                int extraStart = _header.Count;
                for (int i = 0; i < extraLength; i++) HeaderByte(member);
                _memberIsBgzf = HasBgzfSubfield(extraStart, extraLength);
            }
            if ((flags & 8) != 0) while (HeaderByte(member) != 0) { } // file name
            if ((flags & 16) != 0) while (HeaderByte(member) != 0) { } // comment
            if ((flags & 2) != 0)
            {
                long at = _input.Position;
                uint expected = Crc32.Update(0, _header.ToArray(), 0, _header.Count) & 0xffff;
                uint stored = (uint)(HeaderByte(member) | HeaderByte(member) << 8);
                if (stored != expected) throw GzipDataException.Corrupt(at, "member " + member + "'s header CRC is " + stored.ToString("x4", CultureInfo.InvariantCulture) + ", its header's bytes give " + expected.ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        /// <summary>BGZF: a subfield 'B' 'C' of length 2 (the block size) in the extra field.</summary>
        private bool HasBgzfSubfield(int start, int length)
        {
            int i = start, end = start + length;
            while (i + 4 <= end)
            {
                int subfieldLength = _header[i + 2] | _header[i + 3] << 8;
                if (_header[i] == 'B' && _header[i + 1] == 'C' && subfieldLength == 2) return true;
                i += 4 + subfieldLength;
            }
            return false;
        }

        private int HeaderByte(int member)
        {
            int b = _input.ReadByte();
            if (b < 0) throw GzipDataException.EndsEarly(_input.Position, "the file ends inside the header of member " + member);
            _header.Add((byte)b);
            return b;
        }

        private uint ReadUInt32(long trailerAt, string what)
        {
            uint value = 0;
            for (int i = 0; i < 4; i++)
            {
                int b = _input.ReadByte();
                if (b < 0) throw GzipDataException.EndsEarly(_input.Position, "the file ends inside " + what + " of member " + (Members + 1) + " (which starts at compressed byte " + trailerAt + ")");
                value |= (uint)b << (8 * i);
            }
            return value;
        }

        /// <summary>
        /// Reads on until the member being read has been checked against its trailer, or at most
        /// <paramref name="maximumBytes"/> more uncompressed bytes, and throws if its data is corrupt or truncated.
        /// For a reader whose content turned out invalid: when the gzip data is broken, that is the cause to report,
        /// not the garbage it produced. Deflate data that is damaged almost always fails to decode within a few
        /// kilobytes; the bound keeps a genuine content error early in a huge member from costing a full read.
        /// </summary>
        public void Verify(long maximumBytes, System.Threading.CancellationToken cancellationToken)
        {
            if (_disposed) throw new ObjectDisposedException(nameof(GzipReader));
            var scratch = new byte[64 * 1024];
            int members = Members;
            long read = 0;
            while (_state == State.Data && Members == members && read < maximumBytes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int n = Read(scratch, 0, scratch.Length);
                if (n == 0) break;
                read += n;
            }
        }

        /// <summary>Uncompressed bytes handed out so far.</summary>
        public long UncompressedLength => _length;

        /// <summary>Compressed bytes taken so far.</summary>
        public long CompressedPosition => _input.Position;

        public override bool CanRead => !_disposed;
        public override long Position { get => _length; set => throw new NotSupportedException(); }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_disposed)
            {
                _disposed = true;
                _inflater.Dispose();
                if (!_leaveOpen) _file.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
