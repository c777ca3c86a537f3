using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.ExceptionServices;
using System.Threading;
using ParallelJobs.Statistics;

namespace ParallelJobs.Compression
{
    /// <summary>
    /// Thrown by <see cref="BgzfParallelStream"/> where the file stops being plain BGZF as bgzip writes it (another
    /// header layout, damaged or cut data, bytes after the end block, a last block that is not the end block): the
    /// caller reads the file again with <see cref="GzipReader"/>, which reads what it can and says exactly what is
    /// wrong and where.
    /// </summary>
    internal sealed class NotPlainBgzfException : Exception
    {
        public NotPlainBgzfException() : base("not plain BGZF") { }

        public NotPlainBgzfException(string message) : base(message) { }

        public NotPlainBgzfException(string message, Exception innerException) : base(message, innerException) { }
    }

    /// <summary>
    /// The uncompressed bytes of a BGZF file (bgzip, htslib), decompressed by several threads at once: BGZF is a
    /// series of small gzip members ("blocks", at most 64 KiB each way) whose compressed size is in each header,
    /// so the blocks can be cut apart without decompressing and decompressed independently. Groups of blocks go to
    /// the decoding threads in file order and come back to the reader in that order. Every block is checked as
    /// <see cref="GzipReader"/> checks a member (its deflate data ends exactly at its trailer; CRC-32 and length),
    /// and the file must end with BGZF's empty end-of-file block. Anything else throws
    /// <see cref="NotPlainBgzfException"/> once the bytes before it are read.
    /// </summary>
    internal sealed class BgzfParallelStream : ChunkReadStream
    {
        /// <summary>Largest BGZF block, compressed or not (BSIZE and ISIZE are at most 65536).</summary>
        private const int MaxBlock = 1 << 16;

        /// <summary>Blocks per group: about a megabyte of FASTQ, so a group's hand-over costs little beside its decoding.</summary>
        private const int BlocksPerGroup = 16;

        private const int HeaderLength = 18;
        private const int TrailerLength = 8;

        /// <summary>BGZF's end-of-file block: an empty member, 28 bytes.</summary>
        private const int EndBlockLength = 28;

        private readonly FileStream _file;
        private readonly long _fileLength;
        private readonly Thread[] _decoders;
        private readonly object _gate = new object();
        private readonly object _fileGate = new object();
        private readonly Stack<byte[]> _freeOutputs = new Stack<byte[]>();
        private readonly List<byte[]> _owned = new List<byte[]>();
        // Decoded groups by sequence number; a group's Failure is a NotPlainBgzfException or an I/O error, and End marks the end-of-file block.
        private readonly Dictionary<long, Chunk> _done = new Dictionary<long, Chunk>();
        private readonly int _maxInFlight;
        private long _nextGroup;
        private long _nextToRead;
        private bool _noMoreGroups;
        private bool _stop;

        /// <param name="file">At its start, which is a BGZF block (<see cref="StartsWithBgzfBlock"/>); left open.</param>
        /// <param name="decoders">Decoding threads (the reader's thread parses).</param>
        public BgzfParallelStream(FileStream file, int decoders)
        {
            _file = file ?? throw new ArgumentNullException(nameof(file));
            if (decoders < 1) throw new ArgumentOutOfRangeException(nameof(decoders));
            _fileLength = file.Length;
            _file.Position = 0;
            _maxInFlight = 2 * decoders + 1;
            for (int i = 0; i < _maxInFlight + 1; i++)
            {
                byte[] output = RetainedArrays<byte>.Rent(BlocksPerGroup * MaxBlock + 1); // + 1: see Inflate
                _owned.Add(output);
                _freeOutputs.Push(output);
            }
            _decoders = new Thread[decoders];
            for (int i = 0; i < decoders; i++)
            {
                byte[] input = RetainedArrays<byte>.Rent(BlocksPerGroup * MaxBlock);
                _owned.Add(input);
                _decoders[i] = new Thread(() => Decode(input)) { IsBackground = true, Name = "QualityDistribution BGZF decoder" };
            }
            foreach (Thread decoder in _decoders) decoder.Start();
        }

        /// <summary>True when the file (at its start) begins with a BGZF block header as bgzip writes it; the file is left at its start.</summary>
        public static bool StartsWithBgzfBlock(FileStream file)
        {
            if (file == null) throw new ArgumentNullException(nameof(file));
            var header = new byte[HeaderLength];
            file.Position = 0;
            bool whole = ReadFully(file, header, 0, HeaderLength) == HeaderLength;
            file.Position = 0;
            return whole && BlockLength(header, 0) > 0;
        }

        /// <summary>The length of the BGZF block whose header is at data[at] (bgzip's layout: only FEXTRA, one 'BC' subfield), or 0.</summary>
        private static int BlockLength(byte[] data, int at)
        {
            if (data[at] != 0x1f || data[at + 1] != 0x8b || data[at + 2] != 8 || data[at + 3] != 4) return 0;
            if ((data[at + 10] | data[at + 11] << 8) != 6) return 0;
            if (data[at + 12] != (byte)'B' || data[at + 13] != (byte)'C' || data[at + 14] != 2 || data[at + 15] != 0) return 0;
            int length = (data[at + 16] | data[at + 17] << 8) + 1;
            return length >= EndBlockLength ? length : 0;
        }

        private static int ReadFully(Stream stream, byte[] buffer, int offset, int count)
        {
            int got = 0;
            while (got < count)
            {
                int n = stream.Read(buffer, offset + got, count - got);
                if (n <= 0) break;
                got += n;
            }
            return got;
        }

        private static uint UInt32At(byte[] data, int at) => (uint)(data[at] | data[at + 1] << 8 | data[at + 2] << 16 | data[at + 3] << 24);

        private void Decode(byte[] input)
        {
            RawInflater? inflater = null;
            try
            {
                inflater = RawInflater.Create();
                while (true)
                {
                    long sequence;
                    byte[] output;
                    int inputLength;
                    long inputOffset;
                    bool end;
                    ExceptionDispatchInfo? failure = null;
                    lock (_fileGate)
                    {
                        lock (_gate)
                        {
                            while (!_stop && !_noMoreGroups && (_nextGroup - _nextToRead >= _maxInFlight || _freeOutputs.Count == 0)) Monitor.Wait(_gate);
                            if (_stop || _noMoreGroups) return;
                            sequence = _nextGroup++;
                            output = _freeOutputs.Pop();
                        }
                        inputOffset = _file.Position;
                        try
                        {
                            inputLength = ReadGroup(input, out end);
                        }
#pragma warning disable CA1031 // a read error goes to the reader, on its thread, in its place in the data
                        catch (Exception e)
#pragma warning restore CA1031
                        {
                            failure = ExceptionDispatchInfo.Capture(e);
                            inputLength = 0;
                            end = true;
                        }
                        if (end)
                        {
                            lock (_gate) _noMoreGroups = true;
                        }
                    }
                    int count = 0;
                    if (failure == null)
                    {
                        try
                        {
                            count = Inflate(inflater, input, inputLength, inputOffset, output);
                        }
#pragma warning disable CA1031 // as above
                        catch (Exception e)
#pragma warning restore CA1031
                        {
                            failure = ExceptionDispatchInfo.Capture(e is GzipDataException ? new NotPlainBgzfException(e.Message, e) : e);
                        }
                    }
                    lock (_gate)
                    {
                        _done[sequence] = new Chunk { Buffer = output, Count = count, End = end, Failure = failure };
                        Monitor.PulseAll(_gate);
                    }
                }
            }
            finally
            {
                inflater?.Dispose();
            }
        }

        /// <summary>
        /// Reads whole blocks into input, at most <see cref="BlocksPerGroup"/>; end: the last one is the file's
        /// end-of-file block. Throws <see cref="NotPlainBgzfException"/> where the file stops being plain BGZF.
        /// </summary>
        private int ReadGroup(byte[] input, out bool end)
        {
            int length = 0;
            end = false;
            for (int block = 0; block < BlocksPerGroup; block++)
            {
                int got = ReadFully(_file, input, length, HeaderLength);
                if (got == 0 && block > 0) break;
                if (got < HeaderLength) throw new NotPlainBgzfException("a BGZF block header is cut or missing");
                int blockLength = BlockLength(input, length);
                if (blockLength == 0) throw new NotPlainBgzfException("not a BGZF block header");
                if (ReadFully(_file, input, length + HeaderLength, blockLength - HeaderLength) < blockLength - HeaderLength)
                    throw new NotPlainBgzfException("a BGZF block is cut");
                length += blockLength;
                if (_file.Position >= _fileLength)
                {
                    // The last block must be empty (the end-of-file block), or the file was cut after a block.
                    if (UInt32At(input, length - 4) != 0) throw new NotPlainBgzfException("the last block is not the end-of-file block");
                    end = true;
                    break;
                }
            }
            return length;
        }

        /// <summary>Decompresses the blocks in input[0, length) into output, checking each; returns the bytes.</summary>
        private static int Inflate(RawInflater inflater, byte[] input, int length, long inputOffset, byte[] output)
        {
            int produced = 0;
            for (int at = 0; at < length;)
            {
                int blockLength = BlockLength(input, at);
                uint crc = UInt32At(input, at + blockLength - TrailerLength);
                uint size = UInt32At(input, at + blockLength - 4);
                if (size > MaxBlock) throw new NotPlainBgzfException("a BGZF block holds more than 64 KiB");
                inflater.Reset();
                var data = new CompressedInput(input, at + HeaderLength, at + blockLength - TrailerLength, inputOffset + at + HeaderLength);
                int made = 0;
                while (!inflater.Finished)
                {
                    // Room for one byte more than the block says, to see a block that holds more than it says.
                    int room = (int)size + 1 - made;
                    if (room <= 0) throw new NotPlainBgzfException("a BGZF block holds more than its trailer says");
                    made += inflater.Inflate(data, output, produced + made, room);
                }
                if (data.Available != 0) throw new NotPlainBgzfException("a BGZF block's deflate data ends before its trailer");
                if (made != size) throw new NotPlainBgzfException("a BGZF block's length is not what its trailer says");
                uint actual = inflater is NativeInflater ? NativeZlib.UpdateCrc(0, output, produced, made) : Crc32.Update(0, output, produced, made);
                if (actual != crc) throw new NotPlainBgzfException("a BGZF block's CRC-32 is not what its trailer says");
                produced += made;
                at += blockLength;
            }
            return produced;
        }

        protected override bool NextChunk(byte[]? finished, out Chunk next)
        {
            lock (_gate)
            {
                if (finished != null) _freeOutputs.Push(finished);
                while (!_done.TryGetValue(_nextToRead, out next)) Monitor.Wait(_gate);
                _done.Remove(_nextToRead);
                _nextToRead++;
                Monitor.PulseAll(_gate);
                return true;
            }
        }

        /// <summary>Stops the decoding threads and waits for them (each finishes the group under way); the file stays open.</summary>
        protected override void StopProducing()
        {
            lock (_gate)
            {
                _stop = true;
                Monitor.PulseAll(_gate);
            }
            foreach (Thread decoder in _decoders) decoder.Join();
            foreach (byte[] array in _owned) RetainedArrays<byte>.Return(array);
            _owned.Clear();
        }
    }
}
