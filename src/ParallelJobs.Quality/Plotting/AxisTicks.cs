using System;
using System.Collections.Generic;

namespace ParallelJobs.Plotting
{
    /// <summary>Round tick values (1, 2 or 5 times a power of ten) for an axis, as plotting libraries choose them.</summary>
    internal static class AxisTicks
    {
        /// <summary>The smallest step of the form 1, 2, 5 × 10^k that is at least <paramref name="rawStep"/>.</summary>
        public static double NiceStep(double rawStep)
        {
            if (!(rawStep > 0) || double.IsInfinity(rawStep))
            {
                return 1;
            }
            double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rawStep)));
            foreach (double factor in new[] { 1.0, 2.0, 5.0, 10.0 })
            {
                // The tolerance keeps 0.3/0.1 style rounding noise from skipping to the next step.
                if (factor * magnitude >= rawStep * (1 - 1e-9))
                {
                    return factor * magnitude;
                }
            }
            return 10 * magnitude;
        }

        /// <summary>Multiples of a nice step inside [min, max], at most <paramref name="maxCount"/> of them (at least one step apart).</summary>
        public static IReadOnlyList<double> Compute(double min, double max, int maxCount, double minimumStep = 0)
        {
            if (max < min)
            {
                (min, max) = (max, min);
            }
            maxCount = Math.Max(2, maxCount);
            double step = NiceStep(Math.Max((max - min) / (maxCount - 1), minimumStep));
            if (step < minimumStep)
            {
                step = minimumStep;
            }
            var ticks = new List<double>();
            double first = Math.Ceiling(min / step - 1e-9) * step;
            for (int i = 0; ; i++)
            {
                double tick = first + i * step;
                if (tick > max + step * 1e-9)
                {
                    break;
                }
                ticks.Add(Math.Round(tick, 10));
            }
            return ticks;
        }
    }
}
