namespace ParallelJobs.Slurm
{
    /// <summary>What one Slurm client command printed and how it exited.</summary>
    internal sealed class SlurmCallOutput
    {
        public SlurmCallOutput(string program, int exitCode, string output, string error)
        {
            Program = program;
            ExitCode = exitCode;
            Output = output;
            Error = error;
        }

        public string Program { get; }
        public int ExitCode { get; }
        public string Output { get; }
        public string Error { get; }
    }
}
