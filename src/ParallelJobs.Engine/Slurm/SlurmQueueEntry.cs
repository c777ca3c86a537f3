namespace ParallelJobs.Slurm
{
    /// <summary>One task as squeue -r lists it: array job id, task id, the task's own job id, state, node.</summary>
    internal sealed class SlurmQueueEntry
    {
        public SlurmQueueEntry(string arrayJobId, string taskId, string rawJobId, string state, string node)
        {
            ArrayJobId = arrayJobId;
            TaskId = taskId;
            RawJobId = rawJobId;
            State = state;
            Node = node;
        }

        public string ArrayJobId { get; }
        public string TaskId { get; }
        public string RawJobId { get; }
        public string State { get; }
        public string Node { get; }
        public bool IsPending => State == "PENDING";
    }
}
