namespace ParallelJobs.Plotting
{
    /// <summary>What Show-QualityPlot and Export-QualityPlot draw of a distribution.</summary>
    public enum QualityPlotKind
    {
        /// <summary>Quality per position (FastQC's "Per base sequence quality"): the default.</summary>
        PerBase,
        /// <summary>Reads per mean quality of the read (FastQC's "Per sequence quality scores"); needs -PerRead.</summary>
        PerReadQuality,
        /// <summary>Reads per length (FastQC's "Sequence Length Distribution"); needs -PerRead.</summary>
        Length,
    }
}
