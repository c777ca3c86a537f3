namespace ParallelJobs.TestSupport
{
    /// <summary>
    /// A tiny seedable random generator (SplitMix64). System.Random's sequence is not promised to stay the same
    /// across runtimes, and generated data sets must be identical on Windows PowerShell 5.1 and PowerShell 7.
    /// </summary>
    internal struct SplitMix64
    {
        private ulong _state;

        public SplitMix64(ulong seed) => _state = seed;

        public ulong NextUInt64()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [0, bound).</summary>
        public int Next(int bound) => (int)((NextUInt64() >> 33) % (ulong)bound);

        /// <summary>Uniform in [low, high] inclusive.</summary>
        public int Next(int low, int high) => low + Next(high - low + 1);
    }
}
