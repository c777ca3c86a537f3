namespace ParallelJobs.Parsing
{
    /// <summary>What <see cref="FastqReader"/> saw in a file: records and the range of quality characters.</summary>
    internal readonly struct FastqScan
    {
        public FastqScan(long records, byte lowestCharacter, byte highestCharacter)
        {
            Records = records;
            LowestCharacter = lowestCharacter;
            HighestCharacter = highestCharacter;
        }

        public long Records { get; }
        /// <summary>Lowest quality character (0 when the file has no quality characters).</summary>
        public byte LowestCharacter { get; }
        public byte HighestCharacter { get; }
    }
}
