using System.Globalization;

namespace ParallelJobs
{
    /// <summary>
    /// How messages quote user text (a command line, a name): at most a few hundred characters, so a
    /// megabyte command line gives a readable error rather than a megabyte one. The full text stays
    /// where it belongs (a result's Command, the option itself).
    /// </summary>
    internal static class MessageText
    {
        /// <summary>Most characters of quoted text in a message.</summary>
        public const int DefaultLimit = 300;

        /// <summary>The text itself when short enough; else its start, "…" and how long it is in all.</summary>
        public static string Shorten(string? text, int limit = DefaultLimit)
        {
            if (text == null) return "";
            if (text.Length <= limit) return text;
            int keep = limit < 1 ? 0 : limit;
            // Never split a surrogate pair: half of one is not a character.
            if (keep > 0 && char.IsHighSurrogate(text[keep - 1])) keep--;
            return text.Substring(0, keep) + "… (" + text.Length.ToString("N0", CultureInfo.InvariantCulture) + " characters in all)";
        }
    }
}
