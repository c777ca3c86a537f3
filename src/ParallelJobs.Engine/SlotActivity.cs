namespace ParallelJobs
{
    public enum SlotActivity
    {
        Idle,
        Busy,
    }
}
