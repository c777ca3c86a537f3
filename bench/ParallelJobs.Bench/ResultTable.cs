using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ParallelJobs.Bench
{
    /// <summary>
    /// The one table the benchmark prints: each measurement with its value and its ratio against the anchor
    /// measured in the same run, then one pass / fall-short line per target of issue 5.
    /// </summary>
    internal sealed class ResultTable
    {
        private readonly List<string[]> _rows = new List<string[]>();
        private readonly List<TargetCheck> _targets = new List<TargetCheck>();
        private readonly List<string> _notes = new List<string>();

        public static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        public void Add(string row, string what, string value, string ratio = "", string target = "")
        {
            _rows.Add(new[] { row, what, value, ratio, target });
            Console.Error.WriteLine($"  [{row}] {what}: {value} {ratio} {target}".TrimEnd());
        }

        public void Note(string text)
        {
            _notes.Add(text);
            Console.Error.WriteLine("  note: " + text);
        }

        /// <summary>A target met when <paramref name="measured"/> is at least (or, with atMost, at most) the threshold.</summary>
        public TargetCheck Target(string row, string name, double measured, double threshold, bool atMost, string unit = "×")
        {
            var t = new TargetCheck(row, name, measured, threshold, atMost, unit, null);
            _targets.Add(t);
            return t;
        }

        public void Skipped(string row, string name, string reason)
        {
            _targets.Add(new TargetCheck(row, name, double.NaN, double.NaN, false, "", reason));
            Console.Error.WriteLine($"  [{row}] skipped {name}: {reason}");
        }

        public string Render(string header)
        {
            var sb = new StringBuilder();
            sb.AppendLine(header);
            sb.AppendLine();
            var head = new[] { "row", "measurement", "value", "ratio", "target" };
            var all = new List<string[]> { head };
            all.AddRange(_rows);
            int[] widths = Enumerable.Range(0, head.Length).Select(c => all.Max(r => r[c].Length)).ToArray();
            void Line(string[] r) => sb.AppendLine("| " + string.Join(" | ", r.Select((cell, c) => cell.PadRight(widths[c]))) + " |");
            Line(head);
            sb.AppendLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
            foreach (var r in _rows) Line(r);
            sb.AppendLine();
            foreach (var t in _targets) sb.AppendLine(t.Verdict());
            int pass = _targets.Count(t => t.Passed == true), shortOf = _targets.Count(t => t.Passed == false), skip = _targets.Count(t => t.Passed == null);
            sb.AppendLine($"targets: {pass} pass, {shortOf} fall short, {skip} skipped");
            if (_notes.Count > 0)
            {
                sb.AppendLine();
                foreach (var n in _notes) sb.AppendLine("note: " + n);
            }
            return sb.ToString();
        }

        public static string F(double v, int decimals = 2) => double.IsNaN(v) ? "n/a" : v.ToString("F" + decimals, Inv);
    }

    internal sealed class TargetCheck
    {
        public TargetCheck(string row, string name, double measured, double threshold, bool atMost, string unit, string? skipReason)
        {
            Row = row; Name = name; Measured = measured; Threshold = threshold; AtMost = atMost; Unit = unit; SkipReason = skipReason;
        }

        public string Row { get; }
        public string Name { get; }
        public double Measured { get; }
        public double Threshold { get; }
        public bool AtMost { get; }
        public string Unit { get; }
        public string? SkipReason { get; }

        public bool? Passed => SkipReason != null || double.IsNaN(Measured) ? (bool?)null : AtMost ? Measured <= Threshold : Measured >= Threshold;

        public string Verdict()
        {
            if (SkipReason != null) return $"SKIP        row {Row}: {Name} — {SkipReason}";
            if (double.IsNaN(Measured)) return $"SKIP        row {Row}: {Name} — not measured";
            string cmp = AtMost ? "≤" : "≥";
            // Enough digits that a value just beside the target does not print as the target itself.
            int decimals = 2;
            while (decimals < 6 && ResultTable.F(Measured, decimals) == ResultTable.F(Threshold, decimals) && Measured != Threshold) decimals++;
            string m = ResultTable.F(Measured, decimals) + Unit, th = ResultTable.F(Threshold) + Unit;
            if (Passed == true) return $"PASS        row {Row}: {Name}: {m} (target {cmp} {th})";
            // How far off: the factor the measured value must still improve by.
            double factor = AtMost ? Measured / Threshold : Threshold / Measured;
            return $"FALL SHORT  row {Row}: {Name}: {m} (target {cmp} {th}; off by {ResultTable.F(factor, decimals)}×)";
        }
    }
}
