using System;

namespace ParallelJobs.Plotting
{
    /// <summary>
    /// The quality axis always starts at 0 and reaches at least 40, as FastQC's does, so that all three bands
    /// are visible and plots of different inputs can be compared by eye.
    /// </summary>
    internal static class QualityAxis
    {
        public const double Bottom = 0;
        public const double MinimumTop = 40;

        /// <summary>
        /// Top of the axis for data whose highest plotted value is <paramref name="highest"/>: 40, or the next multiple
        /// of 5 strictly above the data once it reaches 40, so a line at the maximum is not drawn on the frame.
        /// </summary>
        public static double Top(double highest)
        {
            if (double.IsNaN(highest) || highest < MinimumTop)
            {
                return MinimumTop;
            }
            return (Math.Floor(highest / 5) + 1) * 5;
        }
    }
}
