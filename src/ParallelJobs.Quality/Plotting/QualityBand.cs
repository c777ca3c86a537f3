namespace ParallelJobs.Plotting
{
    /// <summary>FastQC's quality bands: below 20 poor, 20 to 28 reasonable, above 28 good.</summary>
    internal enum QualityBand
    {
        Poor,
        Reasonable,
        Good,
    }
}
