namespace ParallelJobs.Plotting
{
    /// <summary>Size and colour of a terminal plot. Width and Height count characters and lines of the whole plot.</summary>
    internal sealed class TerminalPlotOptions
    {
        public const int MinimumWidth = 40;
        public const int MinimumHeight = 10;

        /// <summary>Characters per line, axes and labels included (80 when output is redirected).</summary>
        public int Width { get; set; } = 80;

        /// <summary>Lines of the whole plot, title, axes and legend included (24 when output is redirected).</summary>
        public int Height { get; set; } = 24;

        /// <summary>Colour the bands and the data with ANSI escape sequences; the caller decides whether the output can show them.</summary>
        public bool UseColor { get; set; }
    }
}
