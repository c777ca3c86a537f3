using System.Text;

namespace ParallelJobs.Processes
{
    /// <summary>
    /// Quotes a value for /bin/sh so it is always one word and never code: anything outside a small safe
    /// set goes inside single quotes, and a single quote becomes '\'' (close, escaped quote, reopen).
    /// </summary>
    internal static class PosixShellQuoter
    {
        public static string Quote(string value)
        {
            if (value.Length == 0) return "''";
            if (IsSafe(value)) return value;
            var sb = new StringBuilder(value.Length + 8);
            sb.Append('\'');
            foreach (char c in value)
            {
                if (c == '\'') sb.Append("'\\''");
                else sb.Append(c);
            }
            sb.Append('\'');
            return sb.ToString();
        }

        private static bool IsSafe(string value)
        {
            foreach (char c in value)
            {
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                          || c == '_' || c == '-' || c == '.' || c == '/' || c == ':' || c == ',' || c == '+' || c == '@' || c == '%' || c == '=';
                if (!ok) return false;
            }
            // A leading '=' or '~' could still be expanded in some positions; '~' is not in the set, '=' is harmless in sh.
            return true;
        }
    }
}
