using System;
using System.IO;
using System.Text;

namespace ParallelJobs.Processes
{
    /// <summary>
    /// Quotes values for a command line that cmd.exe runs (<c>cmd.exe /d /v:off /s /c "line"</c>), so a value
    /// is one argument and can never change what cmd runs or expands:
    /// <list type="bullet">
    /// <item>letters, digits and <c>_ - . : \ / + @</c> only: as is;</item>
    /// <item>no double quote: inside double quotes, where cmd takes <c>&amp; | &lt; &gt; ^ ( )</c> literally and <c>!</c>
    /// is literal because delayed expansion is off (/v:off); trailing backslashes are doubled so the program's
    /// C runtime reads the value back exactly;</item>
    /// <item>with a double quote: quoted for the C runtime (<c>\"</c> inside), then every character cmd
    /// interprets, the quotes included, escaped with <c>^</c>, so cmd never enters its quoted state and passes
    /// each one through.</item>
    /// </list>
    /// Refused, with an error naming the value: a <c>%</c> (cmd expands <c>%NAME%</c> before it reads quotes or
    /// carets, and no escape holds on every Windows version), CR, LF and NUL (a line break ends cmd's command;
    /// a NUL cannot be passed).
    /// </summary>
    internal static class WindowsCmdQuoter
    {
        public static string Quote(string value)
        {
            if (value == null) throw new ArgumentNullException(nameof(value));
            string? problem = Problem(value);
            if (problem != null) throw new CmdValueRefusedException(value, problem);
            if (value.Length != 0 && IsSafe(value)) return value;
            if (value.IndexOf('"') < 0)
            {
                var plain = new StringBuilder(value.Length + 4);
                plain.Append('"').Append(value);
                int trailing = 0;
                while (trailing < value.Length && value[value.Length - 1 - trailing] == '\\') trailing++;
                plain.Append('\\', trailing).Append('"');
                return plain.ToString();
            }
            var crt = new StringBuilder(value.Length + 8);
            WindowsCommandLine.AppendQuoted(crt, value);
            var sb = new StringBuilder(crt.Length * 2);
            foreach (char c in crt.ToString())
            {
                if (IsCmdSpecial(c)) sb.Append('^');
                sb.Append(c);
            }
            return sb.ToString();
        }

        /// <summary>
        /// The program of a command line cmd.exe runs (a .bat or .cmd file): inside plain double quotes, so
        /// cmd reads it as one command name; a path with a double quote, %, CR, LF or NUL is refused.
        /// </summary>
        public static string QuoteCommandName(string path)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            string? problem = Problem(path);
            if (problem == null && path.IndexOf('"') >= 0) problem = "it holds a double quote, which no Windows path can hold";
            if (problem != null) throw new CmdValueRefusedException(path, problem);
            return "\"" + path + "\"";
        }

        /// <summary>True for a program that Windows runs through cmd.exe: a .bat or .cmd file (trailing dots and spaces, which Windows drops, ignored).</summary>
        public static bool IsBatchFile(string path)
        {
            if (path == null) return false;
            string trimmed = path.TrimEnd('.', ' ');
            string ext = Path.GetExtension(trimmed);
            return string.Equals(ext, ".bat", StringComparison.OrdinalIgnoreCase) || string.Equals(ext, ".cmd", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>
        /// Whether cmd.exe is inside double quotes after reading <paramref name="text"/>, starting in
        /// <paramref name="quoted"/>: a quote toggles; outside quotes, ^ takes the next character literally.
        /// </summary>
        public static bool QuotedAfter(string text, bool quoted)
        {
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '^' && !quoted) { i++; continue; }
                if (c == '"') quoted = !quoted;
            }
            return quoted;
        }

        private static string? Problem(string value)
        {
            if (value.IndexOf('\0') >= 0) return "it holds a NUL character, which no command line can carry";
            if (value.IndexOf('\r') >= 0 || value.IndexOf('\n') >= 0) return "it holds a line break, which would end cmd.exe's command";
            if (value.IndexOf('%') >= 0) return "it holds '%', which cmd.exe would expand as a %VARIABLE% reference (no escape holds on every Windows version); pass it with -FilePath to a program that is not a .bat or .cmd file";
            return null;
        }

        private static bool IsSafe(string value)
        {
            foreach (char c in value)
            {
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                          || c == '_' || c == '-' || c == '.' || c == ':' || c == '\\' || c == '/' || c == '+' || c == '@';
                if (!ok) return false;
            }
            return true;
        }

        /// <summary>Characters cmd.exe interprets outside quotes (% never gets here).</summary>
        private static bool IsCmdSpecial(char c) =>
            c == '"' || c == '^' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')' || c == '!';
    }

    /// <summary>A value cannot be put on a cmd.exe command line safely; the message names it and says why.</summary>
    internal sealed class CmdValueRefusedException : ArgumentException
    {
        public CmdValueRefusedException(string value, string reason)
            : base($"The value '{MessageText.Shorten(Visible(value))}' cannot be passed through cmd.exe: {reason}.")
        {
            Value = value;
        }

        public string Value { get; }

        private static string Visible(string value) => value.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\0", "\\0");
    }
}
