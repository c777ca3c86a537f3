namespace ParallelJobs.Parsing
{
    /// <summary>
    /// Decides the FASTQ quality offset of a file from the range of its quality characters.
    /// <list type="bullet">
    /// <item>any character below ';' (59): Phred+33 (Sanger, Illumina 1.8+);</item>
    /// <item>every character '@' (64) or above: Phred+64 (Illumina 1.3–1.7);</item>
    /// <item>lowest character in ';'..'?' (59..63) and highest above 'J' (74): Solexa scores (offset 64, which
    /// go down to −5). Solexa scores are not Phred scores (they differ below Q10), so such files are rejected
    /// with a message rather than misread; -PhredOffset 33 reads them as Phred+33 if that is what they are;</item>
    /// <item>lowest character in ';'..'?' and highest at most 'J': Phred+33 (binned modern data).</item>
    /// </list>
    /// A Phred+33 file whose every score is 31 or more looks like Phred+64; -PhredOffset 33 settles it.
    /// </summary>
    internal static class PhredOffsetDetection
    {
        /// <summary>Offset (33 or 64), or null when the file has no quality characters; solexa is true for Solexa-looking data.</summary>
        public static int? Detect(byte lowestCharacter, byte highestCharacter, out bool solexa)
        {
            solexa = false;
            if (highestCharacter == 0) return null;
            if (lowestCharacter < (byte)';') return 33;
            if (lowestCharacter >= (byte)'@') return 64;
            if (highestCharacter > (byte)'J')
            {
                solexa = true;
                return 64;
            }
            return 33;
        }
    }
}
