namespace ParallelJobs.Quality
{
    /// <summary>
    /// Something about a file that was read and counted which the user should still hear about (e.g. bytes after
    /// the last gzip member that are not gzip data), delivered through the run's events.
    /// </summary>
    internal sealed class QualityFileWarning
    {
        public QualityFileWarning(string path, string message)
        {
            Path = path;
            Message = message;
        }

        public string Path { get; }
        public string Message { get; }

        public override string ToString() => Path + ": " + Message;
    }
}
