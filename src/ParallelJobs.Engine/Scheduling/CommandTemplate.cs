using System;
using System.IO;
using System.Text;

namespace ParallelJobs.Scheduling
{
    /// <summary>
    /// A command line or argument with GNU-parallel replacement tokens: {} the input, {.} without
    /// extension, {/} file name, {//} directory, {/.} file name without extension, {#} sequence number
    /// (1-based), {%} slot number (1-based). Values can be passed through a quoter (for the shell).
    /// </summary>
    internal sealed class CommandTemplate
    {
        private static readonly string[] Tokens = { "{}", "{.}", "{/}", "{//}", "{/.}", "{#}", "{%}" };

        public CommandTemplate(string text)
        {
            Text = text ?? throw new ArgumentNullException(nameof(text));
            HasTokens = ContainsToken(text);
        }

        public string Text { get; }
        /// <summary>True when the text holds at least one replacement token.</summary>
        public bool HasTokens { get; }

        private static bool ContainsToken(string text)
        {
            foreach (var t in Tokens)
                if (text.IndexOf(t, StringComparison.Ordinal) >= 0) return true;
            return false;
        }

        /// <summary>Fills the tokens. <paramref name="quote"/> is applied to input-derived values only.</summary>
        public string Expand(string? input, int index, int slot, Func<string, string>? quote)
        {
            if (!HasTokens) return Text;
            string value = input ?? "";
            string Q(string v) => quote == null ? v : quote(v);
            var sb = new StringBuilder(Text.Length + value.Length * 2);
            int i = 0;
            while (i < Text.Length)
            {
                if (Text[i] == '{')
                {
                    string? repl = null;
                    int len = 0;
                    // Longest tokens first so {//} is not read as {/} followed by text.
                    if (At(i, "{//}")) { repl = Q(DirectoryOf(value)); len = 4; }
                    else if (At(i, "{/.}")) { repl = Q(Path.GetFileNameWithoutExtension(TrimSep(value))); len = 4; }
                    else if (At(i, "{}")) { repl = Q(value); len = 2; }
                    else if (At(i, "{.}")) { repl = Q(WithoutExtension(value)); len = 3; }
                    else if (At(i, "{/}")) { repl = Q(Path.GetFileName(TrimSep(value))); len = 3; }
                    else if (At(i, "{#}")) { repl = (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture); len = 3; }
                    else if (At(i, "{%}")) { repl = (slot + 1).ToString(System.Globalization.CultureInfo.InvariantCulture); len = 3; }
                    if (repl != null)
                    {
                        sb.Append(repl);
                        i += len;
                        continue;
                    }
                }
                sb.Append(Text[i]);
                i++;
            }
            return sb.ToString();
        }

        private bool At(int i, string token) => string.CompareOrdinal(Text, i, token, 0, token.Length) == 0;

        private static string TrimSep(string v) => v.Length > 1 ? v.TrimEnd('/', Path.DirectorySeparatorChar) : v;

        private static string DirectoryOf(string v)
        {
            // GNU parallel: {//} of a bare file name is "."
            string trimmed = TrimSep(v);
            int cut = trimmed.LastIndexOfAny(new[] { '/', Path.DirectorySeparatorChar });
            if (cut < 0) return ".";
            if (cut == 0) return trimmed.Substring(0, 1);
            return trimmed.Substring(0, cut);
        }

        private static string WithoutExtension(string v)
        {
            int slash = v.LastIndexOfAny(new[] { '/', Path.DirectorySeparatorChar });
            int dot = v.LastIndexOf('.');
            // Only a dot inside the last path segment, and not its first character (.bashrc keeps its name).
            if (dot > slash + 1) return v.Substring(0, dot);
            return v;
        }
    }
}
