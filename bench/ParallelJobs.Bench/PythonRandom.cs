using System;

namespace ParallelJobs.Bench
{
    /// <summary>
    /// Python's random module for the two calls the first seed makes: <c>random.seed(n)</c> with a small
    /// non-negative integer and <c>random.randrange(start, stop)</c>. Same Mersenne Twister, same seeding
    /// (init_by_array with the integer's 32-bit words) and same rejection sampling (_randbelow with
    /// getrandbits), so the benchmark replays the seed's exact durations without running Python.
    /// </summary>
    internal sealed class PythonRandom
    {
        private const int N = 624, M = 397;
        private readonly uint[] _mt = new uint[N];
        private int _mti;

        public PythonRandom(uint seed)
        {
            InitByArray(new[] { seed });
        }

        private void InitGenrand(uint s)
        {
            _mt[0] = s;
            for (_mti = 1; _mti < N; _mti++)
                _mt[_mti] = unchecked(1812433253u * (_mt[_mti - 1] ^ (_mt[_mti - 1] >> 30)) + (uint)_mti);
        }

        private void InitByArray(uint[] key)
        {
            InitGenrand(19650218u);
            int i = 1, j = 0;
            for (int k = Math.Max(N, key.Length); k > 0; k--)
            {
                _mt[i] = unchecked((_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint)j);
                i++; j++;
                if (i >= N) { _mt[0] = _mt[N - 1]; i = 1; }
                if (j >= key.Length) j = 0;
            }
            for (int k = N - 1; k > 0; k--)
            {
                _mt[i] = unchecked((_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1566083941u)) - (uint)i);
                i++;
                if (i >= N) { _mt[0] = _mt[N - 1]; i = 1; }
            }
            _mt[0] = 0x80000000u;
        }

        private uint NextUInt32()
        {
            if (_mti >= N)
            {
                int kk;
                uint y;
                for (kk = 0; kk < N - M; kk++)
                {
                    y = (_mt[kk] & 0x80000000u) | (_mt[kk + 1] & 0x7fffffffu);
                    _mt[kk] = _mt[kk + M] ^ (y >> 1) ^ ((y & 1u) != 0 ? 0x9908b0dfu : 0u);
                }
                for (; kk < N - 1; kk++)
                {
                    y = (_mt[kk] & 0x80000000u) | (_mt[kk + 1] & 0x7fffffffu);
                    _mt[kk] = _mt[kk + (M - N)] ^ (y >> 1) ^ ((y & 1u) != 0 ? 0x9908b0dfu : 0u);
                }
                y = (_mt[N - 1] & 0x80000000u) | (_mt[0] & 0x7fffffffu);
                _mt[N - 1] = _mt[M - 1] ^ (y >> 1) ^ ((y & 1u) != 0 ? 0x9908b0dfu : 0u);
                _mti = 0;
            }
            uint x = _mt[_mti++];
            x ^= x >> 11;
            x ^= (x << 7) & 0x9d2c5680u;
            x ^= (x << 15) & 0xefc60000u;
            x ^= x >> 18;
            return x;
        }

        /// <summary>random.getrandbits(k) for 1 ≤ k ≤ 32.</summary>
        private uint GetRandBits(int k) => NextUInt32() >> (32 - k);

        /// <summary>random.randrange(start, stop) for a range that fits in 32 bits.</summary>
        public int RandRange(int start, int stop)
        {
            uint n = (uint)(stop - start);
            int k = 0;
            for (uint v = n; v != 0; v >>= 1) k++; // n.bit_length()
            uint r = GetRandBits(k);
            while (r >= n) r = GetRandBits(k);
            return start + (int)r;
        }
    }
}
