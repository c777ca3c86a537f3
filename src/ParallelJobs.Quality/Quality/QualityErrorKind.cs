namespace ParallelJobs.Quality
{
    /// <summary>Why an input produced an error; the cmdlet maps each to a stable ErrorId.</summary>
    internal enum QualityErrorKind
    {
        /// <summary>The file's content is not valid .qual/FASTQ (or is Solexa-scaled); it contributes nothing.</summary>
        InvalidFile,
        /// <summary>The file could not be opened or read (permissions, I/O error).</summary>
        UnreadableFile,
        /// <summary>A directory holds no .qual/.fastq/.fq(.gz) file.</summary>
        NoQualityFiles,
        /// <summary>A subdirectory (under recurse) could not be listed: its files are not counted, the input's other files are.</summary>
        UnreadableDirectory,
    }
}
