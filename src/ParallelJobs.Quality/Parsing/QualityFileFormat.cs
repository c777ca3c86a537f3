namespace ParallelJobs.Parsing
{
    internal enum QualityFileFormat
    {
        /// <summary>FASTA-like .qual: '>' header, whitespace-separated integer scores.</summary>
        Qual,
        /// <summary>FASTQ, Phred+33 or Phred+64.</summary>
        Fastq,
    }
}
