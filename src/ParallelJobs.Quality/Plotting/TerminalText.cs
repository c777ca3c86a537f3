using System;
using System.Linq;

namespace ParallelJobs.Plotting
{
    /// <summary>Text helpers the terminal plots share.</summary>
    internal static class TerminalText
    {
        /// <summary>A name with an escape or newline in it would break the layout or restyle the terminal: show '?' instead.</summary>
        public static string Printable(string? name) =>
            new string((name ?? "").Select(c => char.IsControl(c) ? '?' : c).ToArray());

        public static string Truncate(string text, int width) =>
            text.Length <= width ? text : text.Substring(0, Math.Max(0, width - 3)) + "...";

        public static string Center(string text, int width)
        {
            int left = Math.Max(0, (width - text.Length) / 2);
            return new string(' ', left) + text;
        }
    }
}
