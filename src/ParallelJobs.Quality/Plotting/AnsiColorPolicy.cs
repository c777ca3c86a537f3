using System;

namespace ParallelJobs.Plotting
{
    /// <summary>
    /// Whether a plot written to PowerShell's output should carry ANSI colour, following <c>$PSStyle.OutputRendering</c>
    /// (PowerShell 7.2+): Ansi always, PlainText never, Host only when the output goes straight to a terminal that
    /// understands escape sequences. Without $PSStyle (Windows PowerShell 5.1) the Host rule applies.
    /// </summary>
    internal static class AnsiColorPolicy
    {
        public static bool ShouldUseColor(string? outputRendering, bool outputGoesToHost, bool hostSupportsVirtualTerminal)
        {
            if (string.Equals(outputRendering, "Ansi", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            if (string.Equals(outputRendering, "PlainText", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
            return outputGoesToHost && hostSupportsVirtualTerminal;
        }
    }
}
