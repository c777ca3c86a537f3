namespace ParallelJobs.Slurm
{
    /// <summary>A command's result from a Slurm run, with what only Slurm runs know.</summary>
    internal sealed class SlurmCommandResult
    {
        public SlurmCommandResult(CommandResult result, string? clusterJobId, int? signal)
        {
            Result = result;
            ClusterJobId = clusterJobId;
            Signal = signal;
        }

        public CommandResult Result { get; }
        /// <summary>The array task that ran the command, as Slurm names it (e.g. 1234_17); null if none did.</summary>
        public string? ClusterJobId { get; }
        /// <summary>The signal that ended the command, when one did.</summary>
        public int? Signal { get; }

        public override string ToString() => Result + (ClusterJobId != null ? " (" + ClusterJobId + ")" : "");
    }
}
