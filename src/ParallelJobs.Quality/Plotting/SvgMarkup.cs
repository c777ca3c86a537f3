using System.Globalization;
using System.Text;

namespace ParallelJobs.Plotting
{
    /// <summary>Small SVG pieces the bar charts are drawn with: numbers in the invariant culture, text escaped.</summary>
    internal static class SvgMarkup
    {
        public static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

        public static void Line(StringBuilder svg, double x1, double y1, double x2, double y2)
        {
            svg.Append("<line x1=\"").Append(F(x1)).Append("\" y1=\"").Append(F(y1)).Append("\" x2=\"").Append(F(x2)).Append("\" y2=\"").Append(F(y2)).Append("\"/>");
        }

        public static void Text(StringBuilder svg, double x, double y, string anchor, string text, string? cssClass = null)
        {
            svg.Append("<text");
            if (cssClass != null) svg.Append(" class=\"").Append(cssClass).Append('"');
            svg.Append(" x=\"").Append(F(x)).Append("\" y=\"").Append(F(y)).Append("\" text-anchor=\"").Append(anchor).Append("\">")
               .Append(MarkupText.Escape(text)).Append("</text>");
        }

        /// <summary>The opening tag of a plot's own &lt;svg&gt; element (x, y place it inside a parent), its title and background.</summary>
        public static void Open(StringBuilder svg, int width, int height, double x, double y, string title)
        {
            svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\"");
            if (x != 0 || y != 0) svg.Append(" x=\"").Append(F(x)).Append("\" y=\"").Append(F(y)).Append('"');
            svg.Append(" width=\"").Append(width).Append("\" height=\"").Append(height).Append("\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height)
               .Append("\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"")
               .Append(MarkupText.Escape(title)).Append("\">\n");
            svg.Append("<title>").Append(MarkupText.Escape(title)).Append("</title>\n");
            svg.Append("<rect x=\"0\" y=\"0\" width=\"").Append(width).Append("\" height=\"").Append(height).Append("\" fill=\"#ffffff\"/>\n");
        }
    }
}
