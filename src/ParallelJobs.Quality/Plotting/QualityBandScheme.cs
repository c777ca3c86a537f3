namespace ParallelJobs.Plotting
{
    /// <summary>
    /// Where the bands start and how each is drawn. One place, so the terminal plot, the SVG and the tests
    /// agree on the thresholds and the colours.
    /// </summary>
    internal static class QualityBandScheme
    {
        /// <summary>Scores strictly below this are <see cref="QualityBand.Poor"/>.</summary>
        public const double PoorBelow = 20;
        /// <summary>Scores strictly above this are <see cref="QualityBand.Good"/>; 20 to 28 inclusive are reasonable.</summary>
        public const double GoodAbove = 28;

        public const string PoorFill = "#f0a8a8";
        public const string ReasonableFill = "#f6cf8f";
        public const string GoodFill = "#a9dba9";

        // Basic 16-colour SGR codes: they work in every VT terminal, where 256-colour orange does not.
        public const string AnsiRed = "\u001b[31m";
        public const string AnsiYellow = "\u001b[33m";
        public const string AnsiGreen = "\u001b[32m";
        public const string AnsiReset = "\u001b[0m";

        public static QualityBand Classify(double quality)
        {
            if (quality < PoorBelow)
            {
                return QualityBand.Poor;
            }
            return quality > GoodAbove ? QualityBand.Good : QualityBand.Reasonable;
        }

        public static string SvgFill(QualityBand band) => band switch
        {
            QualityBand.Poor => PoorFill,
            QualityBand.Reasonable => ReasonableFill,
            _ => GoodFill,
        };

        public static string AnsiColor(QualityBand band) => band switch
        {
            QualityBand.Poor => AnsiRed,
            QualityBand.Reasonable => AnsiYellow,
            _ => AnsiGreen,
        };
    }
}
