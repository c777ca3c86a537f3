using System.Text;

namespace ParallelJobs.Plotting
{
    /// <summary>Escapes text for SVG and HTML (both parse it as XML-ish markup), so any file or directory name is safe to show.</summary>
    internal static class MarkupText
    {
        public static string Escape(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return "";
            }
            var builder = new StringBuilder(text!.Length + 16);
            foreach (char c in text)
            {
                switch (c)
                {
                    case '&': builder.Append("&amp;"); break;
                    case '<': builder.Append("&lt;"); break;
                    case '>': builder.Append("&gt;"); break;
                    case '"': builder.Append("&quot;"); break;
                    case '\'': builder.Append("&#39;"); break;
                    default:
                        // Control characters are not allowed in XML 1.0 at all, escaped or not: an SVG holding
                        // one does not open. A file name can contain them, so show a replacement character.
                        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == '\uFFFE' || c == '\uFFFF')
                        {
                            builder.Append('\uFFFD');
                        }
                        else
                        {
                            builder.Append(c);
                        }
                        break;
                }
            }
            return builder.ToString();
        }
    }
}
