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
            AppendQuoted(sb, arg);
        }

        /// <summary>Appends <paramref name="arg"/> inside double quotes, escaped so the C runtime reads it back exactly.</summary>
        public static void AppendQuoted(StringBuilder sb, string arg)
        {
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
    }
}
