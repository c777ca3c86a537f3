using System;

namespace ParallelJobs.Compression
{
    /// <summary>
    /// Raw deflate (RFC 1951) in managed code: the reference the runtime's zlib is tested against, and the inflater
    /// where the runtime has none to call (.NET Framework, Mono). It checks what zlib checks (block types, stored
    /// lengths, complete Huffman codes, symbols and distances in range) so that both reject the same streams.
    /// Output is decoded into a window of its own (the last 32 KiB are the history back-references reach) and
    /// copied out; input bits are pulled as needed, so decoding only ever pauses between symbols.
    /// </summary>
    internal sealed class ManagedInflater : RawInflater
    {
        private const int History = 32 * 1024;
        private const int WindowSize = 256 * 1024;
        private const int MaxMatch = 258;
        private const int LiteralPrimaryBits = 10;
        private const int DistancePrimaryBits = 8;

        private static readonly ushort[] LengthBase = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
        private static readonly byte[] LengthExtra = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
        private static readonly ushort[] DistanceBase = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
        private static readonly byte[] DistanceExtra = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };
        private static readonly byte[] CodeLengthOrder = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

        private static readonly HuffmanTable FixedLiterals = BuildFixed(literals: true);
        private static readonly HuffmanTable FixedDistances = BuildFixed(literals: false);

        private enum Mode { BlockHeader, Stored, Huffman, Done }

        private readonly byte[] _window = new byte[WindowSize];
        private int _written;   // bytes of _window decoded
        private int _delivered; // of those, bytes handed out
        private ulong _bits;    // input bits not used yet, the next one lowest
        private int _bitCount;
        private int _padBytes;  // zero bytes appended to _bits past the end of the input (the last ones in _bits)
        private Mode _mode;
        private bool _lastBlock;
        private int _storedLeft;
        private HuffmanTable _literals = FixedLiterals, _distances = FixedDistances;
        private readonly HuffmanTable _dynamicLiterals = new HuffmanTable(), _dynamicDistances = new HuffmanTable(), _codeLengths = new HuffmanTable();
        private readonly byte[] _lengths = new byte[286 + 30];
        private CompressedInput? _input;

        public override bool Finished => _mode == Mode.Done && _delivered == _written;

        public override void Reset()
        {
            _written = _delivered = 0;
            _bits = 0;
            _bitCount = _padBytes = 0;
            _mode = Mode.BlockHeader;
            _lastBlock = false;
            _storedLeft = 0;
        }

        public override void Dispose() { }

        public override int Inflate(CompressedInput input, byte[] output, int offset, int count)
        {
            _input = input;
            if (_delivered == _written && _mode != Mode.Done)
            {
                if (_written > WindowSize - MaxMatch - History)
                {
                    // Keep the history back-references may reach; the rest has been handed out.
                    Buffer.BlockCopy(_window, _written - History, _window, 0, History);
                    _written = _delivered = History;
                }
                Decode();
            }
            int n = Math.Min(count, _written - _delivered);
            Buffer.BlockCopy(_window, _delivered, output, offset, n);
            _delivered += n;
            return n;
        }

        /// <summary>Decodes into the window until it is nearly full or the final block ends; then the whole bytes read ahead go back to the input.</summary>
        private void Decode()
        {
            int limit = WindowSize - MaxMatch;
            while (_written < limit && _mode != Mode.Done)
            {
                switch (_mode)
                {
                    case Mode.BlockHeader: ReadBlockHeader(); break;
                    case Mode.Stored: CopyStored(limit); break;
                    case Mode.Huffman: DecodeHuffman(limit); break;
                }
            }
            CheckNotPastEnd();
            if (_mode == Mode.Done)
            {
                // The trailer starts at the next whole byte: give back the whole bytes still held.
                int held = _bitCount / 8 - _padBytes;
                _input!.Unread(held);
                _bits = 0;
                _bitCount = _padBytes = 0;
            }
        }

        private void ReadBlockHeader()
        {
            Need(3);
            _lastBlock = (_bits & 1) != 0;
            int type = (int)(_bits >> 1) & 3;
            Drop(3);
            CheckNotPastEnd();
            switch (type)
            {
                case 0:
                    Drop(_bitCount & 7);
                    Need(32);
                    int length = (int)(_bits & 0xffff), complement = (int)((_bits >> 16) & 0xffff);
                    Drop(32);
                    CheckNotPastEnd();
                    if (length != (~complement & 0xffff)) throw Fail("invalid stored block lengths");
                    _storedLeft = length;
                    _mode = Mode.Stored;
                    break;
                case 1:
                    _literals = FixedLiterals;
                    _distances = FixedDistances;
                    _mode = Mode.Huffman;
                    break;
                case 2:
                    ReadDynamicTables();
                    _literals = _dynamicLiterals;
                    _distances = _dynamicDistances;
                    _mode = Mode.Huffman;
                    break;
                default:
                    throw Fail("invalid block type");
            }
            if (_mode == Mode.Stored && _storedLeft == 0) EndBlock();
        }

        private void EndBlock() => _mode = _lastBlock ? Mode.Done : Mode.BlockHeader;

        private void CopyStored(int limit)
        {
            var input = _input!;
            while (_storedLeft > 0 && _written < limit)
            {
                if (_bitCount >= 8)
                {
                    // Whole bytes already in the bit buffer come first (the bit count is a multiple of 8 here).
                    _window[_written++] = (byte)_bits;
                    Drop(8);
                    CheckNotPastEnd();
                    _storedLeft--;
                    continue;
                }
                if (input.Available == 0 && !input.Fill()) throw GzipDataException.EndsEarly(input.Position, "the file ends inside a member's compressed data");
                int n = Math.Min(Math.Min(_storedLeft, input.Available), limit - _written);
                Buffer.BlockCopy(input.Buffer, input.Start, _window, _written, n);
                input.Start += n;
                _written += n;
                _storedLeft -= n;
            }
            if (_storedLeft == 0) EndBlock();
        }

        private void ReadDynamicTables()
        {
            Need(14);
            int literalCount = (int)(_bits & 31) + 257;
            int distanceCount = (int)((_bits >> 5) & 31) + 1;
            int codeLengthCount = (int)((_bits >> 10) & 15) + 4;
            Drop(14);
            CheckNotPastEnd();
            if (literalCount > 286 || distanceCount > 30) throw Fail("too many length or distance symbols");

            var codeLengthLengths = new byte[19];
            for (int i = 0; i < codeLengthCount; i++)
            {
                Need(3);
                codeLengthLengths[CodeLengthOrder[i]] = (byte)(_bits & 7);
                Drop(3);
            }
            CheckNotPastEnd();
            if (!_codeLengths.Build(codeLengthLengths, 0, 19, 7, allowIncomplete: false)) throw Fail("invalid code lengths set");

            int total = literalCount + distanceCount;
            for (int i = 0; i < total;)
            {
                int symbol = DecodeSlow(_codeLengths);
                if (symbol < 16)
                {
                    _lengths[i++] = (byte)symbol;
                    continue;
                }
                int repeat;
                byte value = 0;
                if (symbol == 16)
                {
                    if (i == 0) throw Fail("invalid bit length repeat");
                    value = _lengths[i - 1];
                    repeat = 3 + Take(2);
                }
                else if (symbol == 17) repeat = 3 + Take(3);
                else repeat = 11 + Take(7);
                CheckNotPastEnd();
                if (i + repeat > total) throw Fail("invalid bit length repeat");
                while (repeat-- > 0) _lengths[i++] = value;
            }
            if (_lengths[256] == 0) throw Fail("invalid code -- missing end-of-block");
            if (!_dynamicLiterals.Build(_lengths, 0, literalCount, LiteralPrimaryBits, allowIncomplete: true)) throw Fail("invalid literal/lengths set");
            if (!_dynamicDistances.Build(_lengths, literalCount, distanceCount, DistancePrimaryBits, allowIncomplete: true)) throw Fail("invalid distances set");
        }

        /// <summary>The hot loop: literals and matches until the block ends or the window is nearly full.</summary>
        private void DecodeHuffman(int limit)
        {
            var input = _input!;
            byte[] window = _window;
            int[] literals = _literals.Entries, distances = _distances.Entries;
            int literalMask = (1 << _literals.PrimaryBits) - 1, distanceMask = (1 << _distances.PrimaryBits) - 1;
            int literalPrimary = _literals.PrimaryBits, distancePrimary = _distances.PrimaryBits;
            int written = _written;
            ulong bits = _bits;
            int bitCount = _bitCount;
            try
            {
                while (written < limit)
                {
                    // 48 bits cover the longest match: a 15-bit length code, 5 extra bits, a 15-bit distance code, 13 extra.
                    if (bitCount < 48)
                    {
                        byte[] buffer = input.Buffer;
                        int start = input.Start;
                        if (input.End - start >= 8)
                        {
                            while (bitCount <= 56)
                            {
                                bits |= (ulong)buffer[start++] << bitCount;
                                bitCount += 8;
                            }
                            input.Start = start;
                        }
                        else
                        {
                            _bits = bits;
                            _bitCount = bitCount;
                            Need(56);
                            bits = _bits;
                            bitCount = _bitCount;
                        }
                    }
                    int entry = literals[(int)bits & literalMask];
                    if (entry < 0) entry = literals[((entry >> 4) & 0x7ffffff) + ((int)(bits >> literalPrimary) & ((1 << (entry & 15)) - 1))];
                    int length = entry & 15;
                    if (length == 0) throw FailAt(bits, bitCount, "invalid literal/length code");
                    bits >>= length;
                    bitCount -= length;
                    int symbol = entry >> 4;
                    if (symbol < 256)
                    {
                        window[written++] = (byte)symbol;
                        continue;
                    }
                    if (symbol == 256)
                    {
                        EndBlock();
                        break;
                    }
                    symbol -= 257;
                    if (symbol >= 29) throw FailAt(bits, bitCount, "invalid literal/length code");
                    int extra = LengthExtra[symbol];
                    int matchLength = LengthBase[symbol] + (int)(bits & ((1UL << extra) - 1));
                    bits >>= extra;
                    bitCount -= extra;

                    entry = distances[(int)bits & distanceMask];
                    if (entry < 0) entry = distances[((entry >> 4) & 0x7ffffff) + ((int)(bits >> distancePrimary) & ((1 << (entry & 15)) - 1))];
                    length = entry & 15;
                    if (length == 0) throw FailAt(bits, bitCount, "invalid distance code");
                    bits >>= length;
                    bitCount -= length;
                    symbol = entry >> 4;
                    if (symbol >= 30) throw FailAt(bits, bitCount, "invalid distance code");
                    extra = DistanceExtra[symbol];
                    int distance = DistanceBase[symbol] + (int)(bits & ((1UL << extra) - 1));
                    bits >>= extra;
                    bitCount -= extra;
                    if (distance > written) throw FailAt(bits, bitCount, "invalid distance too far back");

                    int from = written - distance;
                    if (distance >= matchLength && matchLength >= 16)
                    {
                        Buffer.BlockCopy(window, from, window, written, matchLength);
                        written += matchLength;
                    }
                    else
                    {
                        // Short, or overlapping its own output (a run): byte by byte, in order.
                        int end = written + matchLength;
                        while (written < end) window[written++] = window[from++];
                    }
                }
            }
            finally
            {
                _written = written;
                _bits = bits;
                _bitCount = bitCount;
            }
        }

        /// <summary>One symbol through the general path (the code-length code), bits pulled as needed.</summary>
        private int DecodeSlow(HuffmanTable table)
        {
            Need(table.MaxLength);
            int[] entries = table.Entries;
            int entry = entries[(int)_bits & ((1 << table.PrimaryBits) - 1)];
            if (entry < 0) entry = entries[((entry >> 4) & 0x7ffffff) + ((int)(_bits >> table.PrimaryBits) & ((1 << (entry & 15)) - 1))];
            int length = entry & 15;
            if (length == 0) throw Fail("invalid code lengths set");
            Drop(length);
            CheckNotPastEnd();
            return entry >> 4;
        }

        private int Take(int count)
        {
            Need(count);
            int value = (int)(_bits & ((1UL << count) - 1));
            Drop(count);
            return value;
        }

        /// <summary>At least <paramref name="count"/> bits (at most 56) in the bit buffer; past the end of the input, zero bytes, counted.</summary>
        private void Need(int count)
        {
            var input = _input!;
            while (_bitCount < count)
            {
                int b = input.ReadByte();
                if (b < 0)
                {
                    _padBytes++;
                    b = 0;
                }
                _bits |= (ulong)b << _bitCount;
                _bitCount += 8;
            }
        }

        private void Drop(int count)
        {
            _bits >>= count;
            _bitCount -= count;
        }

        /// <summary>Bits past the end of the input were used: the file ends inside the deflate stream.</summary>
        private bool PastEnd(int bitCount) => bitCount < _padBytes * 8;

        private void CheckNotPastEnd()
        {
            if (PastEnd(_bitCount)) throw GzipDataException.EndsEarly(_input!.Position, "the file ends inside a member's compressed data");
        }

        /// <summary>Corrupt data, unless the decoder had already run past the end of the input (then it is truncated).</summary>
        private GzipDataException Fail(string detail) => FailAt(_bits, _bitCount, detail);

        private GzipDataException FailAt(ulong bits, int bitCount, string detail)
        {
            _bits = bits;
            _bitCount = bitCount;
            var input = _input!;
            if (PastEnd(bitCount)) return GzipDataException.EndsEarly(input.Position, "the file ends inside a member's compressed data");
            // The byte holding the next unused bit.
            return GzipDataException.Corrupt(input.Position - (bitCount / 8 - _padBytes), detail);
        }

        private static HuffmanTable BuildFixed(bool literals)
        {
            var lengths = new byte[literals ? 288 : 32];
            if (literals)
            {
                for (int i = 0; i < 144; i++) lengths[i] = 8;
                for (int i = 144; i < 256; i++) lengths[i] = 9;
                for (int i = 256; i < 280; i++) lengths[i] = 7;
                for (int i = 280; i < 288; i++) lengths[i] = 8;
            }
            else
            {
                for (int i = 0; i < 32; i++) lengths[i] = 5;
            }
            var table = new HuffmanTable();
            table.Build(lengths, 0, lengths.Length, literals ? LiteralPrimaryBits : DistancePrimaryBits, allowIncomplete: false);
            return table;
        }

        /// <summary>
        /// A canonical Huffman code as lookup tables: a primary table indexed by the next PrimaryBits input bits
        /// (bit-reversed codes, as deflate sends them), and for longer codes secondary tables of MaxLength -
        /// PrimaryBits bits. An entry is symbol &lt;&lt; 4 | code length; 0 is no code; a negative entry links
        /// to a secondary table (its offset &lt;&lt; 4 | its bits).
        /// </summary>
        private sealed class HuffmanTable
        {
            public int[] Entries = new int[1];
            public int PrimaryBits;
            public int MaxLength;
            private readonly int[] _count = new int[16];
            private readonly int[] _next = new int[16];
            private readonly int[] _codes = new int[288];
            private readonly int[] _secondary = new int[1 << LiteralPrimaryBits];

            /// <summary>
            /// False for an over-subscribed code, and for an incomplete one unless allowed and it is a single
            /// one-bit code (zlib's rule; a distance code may also have no codes at all).
            /// </summary>
            public bool Build(byte[] lengths, int start, int count, int primaryBits, bool allowIncomplete)
            {
                Array.Clear(_count, 0, 16);
                for (int i = 0; i < count; i++) _count[lengths[start + i]]++;
                _count[0] = 0;
                int max = 15;
                while (max > 0 && _count[max] == 0) max--;
                int left = 1;
                for (int length = 1; length <= 15; length++)
                {
                    left = (left << 1) - _count[length];
                    if (left < 0) return false;
                }
                if (left > 0 && (!allowIncomplete || max > 1)) return false;

                MaxLength = Math.Max(max, 1);
                PrimaryBits = Math.Min(primaryBits, MaxLength);
                int secondaryBits = MaxLength - PrimaryBits;
                int code = 0;
                _next[0] = 0;
                for (int length = 1; length <= 15; length++)
                {
                    code = (code + _count[length - 1]) << 1;
                    _next[length] = code;
                }
                // Reversed codes, and which primary slots need a secondary table.
                int primarySize = 1 << PrimaryBits;
                for (int i = 0; i < primarySize; i++) _secondary[i] = -1;
                int secondaryTables = 0;
                for (int i = 0; i < count; i++)
                {
                    int length = lengths[start + i];
                    if (length == 0) continue;
                    int reversed = Reverse(_next[length]++, length);
                    _codes[i] = reversed;
                    if (length > PrimaryBits)
                    {
                        int prefix = reversed & (primarySize - 1);
                        if (_secondary[prefix] < 0) _secondary[prefix] = secondaryTables++;
                    }
                }
                int size = primarySize + (secondaryTables << secondaryBits);
                if (Entries.Length < size) Entries = new int[size];
                else Array.Clear(Entries, 0, size);
                for (int i = 0; i < primarySize; i++)
                    if (_secondary[i] >= 0) Entries[i] = int.MinValue | (primarySize + (_secondary[i] << secondaryBits)) << 4 | secondaryBits;
                for (int symbol = 0; symbol < count; symbol++)
                {
                    int length = lengths[start + symbol];
                    if (length == 0) continue;
                    int reversed = _codes[symbol];
                    int entry = symbol << 4 | length;
                    if (length <= PrimaryBits)
                    {
                        for (int i = reversed; i < primarySize; i += 1 << length) Entries[i] = entry;
                    }
                    else
                    {
                        int table = primarySize + (_secondary[reversed & (primarySize - 1)] << secondaryBits);
                        for (int i = reversed >> PrimaryBits; i < 1 << secondaryBits; i += 1 << (length - PrimaryBits)) Entries[table + i] = entry;
                    }
                }
                return true;
            }

            private static int Reverse(int code, int length)
            {
                int result = 0;
                for (int i = 0; i < length; i++)
                {
                    result = result << 1 | (code & 1);
                    code >>= 1;
                }
                return result;
            }
        }
    }
}
