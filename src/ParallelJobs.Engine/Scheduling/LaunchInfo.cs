namespace ParallelJobs.Scheduling
{
    /// <summary>A command resolved for one slot: the program, its argument string, and what to show users.</summary>
    internal sealed class LaunchInfo
    {
        public LaunchInfo(string fileName, string arguments, string display)
        {
            FileName = fileName;
            Arguments = arguments;
            Display = display;
        }

        public string FileName { get; }
        public string Arguments { get; }
        public string Display { get; }
    }
}
