namespace ParallelJobs
{
    public enum SlotActivity
    {
        Idle,
        Busy,
        /// <summary>Holding its next command back: a retry delay, -DelaySeconds, or free memory below -MemoryFree (WaitReason says which).</summary>
        Waiting,
    }
}
