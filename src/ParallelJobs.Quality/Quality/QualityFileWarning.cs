namespace ParallelJobs.Quality
{
    /// <summary>
    /// Something the user should still hear about although nothing that should count was left out, delivered
    /// through the run's events: about a file that was read and counted (e.g. bytes after the last gzip member
    /// that are not gzip data), or a symbolic link a directory walk did not follow.
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
