using System.Collections.Generic;
using System.Text;

namespace ParallelJobs.Processes
{
    /// <summary>
    /// Builds the single argument string that ProcessStartInfo.Arguments takes, with the quoting rules
    /// that the C runtime (and .NET on Unix, which parses Arguments the same way) uses to split it back:
    /// so a list of arguments round-trips exactly, spaces, quotes and backslashes included.
    /// </summary>
    internal static class WindowsCommandLine
    {
        private static readonly char[] ArgumentSpecials = { ' ', '\t', '\n', '\v', '"' };
        private static readonly char[] CmdSpecials = { ' ', '\t', '"', '&', '|', '<', '>', '^', '(', ')', ',', ';', '=' };

        public static string Join(IEnumerable<string> arguments)
        {
            var sb = new StringBuilder();
            foreach (var arg in arguments)
            {
                if (sb.Length > 0) sb.Append(' ');
                AppendArgument(sb, arg);
            }
            return sb.ToString();
        }

        public static void AppendArgument(StringBuilder sb, string arg)
        {
            if (arg.Length != 0 && arg.IndexOfAny(ArgumentSpecials) < 0)
            {
                sb.Append(arg);
                return;
            }
            sb.Append('"');
            int backslashes = 0;
            foreach (char c in arg)
            {
                if (c == '\\') { backslashes++; continue; }
                if (c == '"')
                {
                    sb.Append('\\', backslashes * 2 + 1);
                    sb.Append('"');
                }
                else
                {
                    sb.Append('\\', backslashes);
                    sb.Append(c);
                }
                backslashes = 0;
            }
            sb.Append('\\', backslashes * 2);
            sb.Append('"');
        }

        /// <summary>
        /// Quotes a value for cmd.exe: inside double quotes cmd does not interpret &amp; | &lt; &gt; ^;
        /// an embedded quote is doubled. A % cannot be escaped inside cmd /c; it is left as is (documented).
        /// </summary>
        public static string QuoteForCmd(string value)
        {
            if (value.Length != 0 && value.IndexOfAny(CmdSpecials) < 0)
                return value;
            return "\"" + value.Replace("\"", "\"\"") + "\"";
        }
    }
}
