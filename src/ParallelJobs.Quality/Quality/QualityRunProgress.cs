namespace ParallelJobs.Quality
{
    /// <summary>Counters of a run at one moment.</summary>
    internal sealed class QualityRunProgress
    {
        public QualityRunProgress(int filesCompleted, int filesTotal, int filesFailed, long bytesCompleted, long bytesTotal)
        {
            FilesCompleted = filesCompleted;
            FilesTotal = filesTotal;
            FilesFailed = filesFailed;
            BytesCompleted = bytesCompleted;
            BytesTotal = bytesTotal;
        }

        public int FilesCompleted { get; }
        /// <summary>Files queued so far (grows while inputs arrive).</summary>
        public int FilesTotal { get; }
        public int FilesFailed { get; }
        /// <summary>On-disk bytes of completed files.</summary>
        public long BytesCompleted { get; }
        public long BytesTotal { get; }
        public int PercentComplete => BytesTotal > 0 ? (int)(100 * BytesCompleted / BytesTotal) : (FilesTotal > 0 ? 100 * FilesCompleted / FilesTotal : 0);
    }
}
