namespace ParallelJobs
{
    /// <summary>Which standard stream a line of a command's output came from.</summary>
    public enum StreamKind
    {
        Output,
        Error,
    }
}
