using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace ParallelJobs.Reports
{
    /// <summary>
    /// A distribution as FastQC's text report, fastqc_data.txt (what MultiQC and other tools read): the version
    /// line, then modules as "&gt;&gt;Name\tpass|warn|fail", their column header "#...", rows, "&gt;&gt;END_MODULE".
    /// Written: Basic Statistics, Per base sequence quality, Per sequence quality scores, Per sequence GC content,
    /// Per base N content, Sequence Length Distribution (FastQC's order). Numbers follow FastQC's definitions
    /// (its default position groups, its percentile rule, its GC model) and are printed as Java prints doubles;
    /// pass/warn/fail use FastQC's default limits (its limits.txt).
    /// </summary>
    /// <summary>A FastQC module's name and its pass, warn or fail.</summary>
    internal sealed class FastQcModuleStatus
    {
        public FastQcModuleStatus(string module, string status)
        {
            Module = module;
            Status = status;
        }

        public string Module { get; }
        public string Status { get; }
    }

    internal static class FastQcReport
    {
        /// <summary>The FastQC version whose format is written (MultiQC reads the line).</summary>
        public const string FastQcVersion = "0.11.9";

        // The modules' names as FastQC writes them.
        public const string PerBaseQualityModule = "Per base sequence quality";
        public const string PerSequenceQualityModule = "Per sequence quality scores";
        public const string PerSequenceGcModule = "Per sequence GC content";
        public const string PerBaseNModule = "Per base N content";
        public const string LengthModule = "Sequence Length Distribution";

        // FastQC's default limits (Configuration/limits.txt).
        private const double QualityBaseLowerWarn = 10, QualityBaseLowerError = 5;
        private const double QualityBaseMedianWarn = 25, QualityBaseMedianError = 20;
        private const int QualitySequenceWarn = 27, QualitySequenceError = 20;
        private const double GcSequenceWarn = 15, GcSequenceError = 30;
        private const double NContentWarn = 5, NContentError = 20;

        /// <summary>The folder FastQC would write for an input: its name without .gz, .bz2, .txt, .fastq, .fq, then "_fastqc".</summary>
        public static string FolderName(string name)
        {
            foreach (string suffix in new[] { ".gz", ".bz2", ".txt", ".fastq", ".fq", ".csfastq", ".sam", ".bam" })
                if (name.EndsWith(suffix, StringComparison.Ordinal)) name = name.Substring(0, name.Length - suffix.Length);
            return name + "_fastqc";
        }

        /// <summary>Writes &lt;directory&gt;/&lt;name&gt;_fastqc/fastqc_data.txt; returns its path.</summary>
        public static string Write(QualityDistribution distribution, string directory)
        {
            string text = Format(distribution);
            string folder = Path.Combine(directory, FolderName(distribution.Name));
            Directory.CreateDirectory(folder);
            string file = Path.Combine(folder, "fastqc_data.txt");
            File.WriteAllText(file, text, new UTF8Encoding(false));
            return file;
        }

        /// <summary>The text of fastqc_data.txt. Needs the per-read metrics (-PerRead): an ArgumentException names the distribution otherwise.</summary>
        public static string Format(QualityDistribution d)
        {
            if (d == null) throw new ArgumentNullException(nameof(d));
            ReadStatistics reads = d.Reads ?? throw new ArgumentException("The quality distribution '" + d.Name
                + "' has no per-read metrics, which a FastQC report needs: compute it with Get-QualityDistribution -PerRead.");
            var b = new StringBuilder();
            b.Append("##FastQC\t").Append(FastQcVersion).Append('\n');
            foreach (var module in Modules(d, reads)) b.Append(module.Text);
            return b.ToString();
        }

        /// <summary>
        /// Each module's name and pass/warn/fail, in FastQC's order, by the same code and limits as <see cref="Format"/>:
        /// all modules with the per-read metrics, only "Per base sequence quality" without them.
        /// </summary>
        public static IReadOnlyList<FastQcModuleStatus> Statuses(QualityDistribution d)
        {
            if (d == null) throw new ArgumentNullException(nameof(d));
            var modules = d.Reads == null ? new List<FastQcModule> { PerBaseQuality(d) } : Modules(d, d.Reads);
            return modules.ConvertAll(m => new FastQcModuleStatus(m.Name, m.Status));
        }

        private static List<FastQcModule> Modules(QualityDistribution d, ReadStatistics reads) => new List<FastQcModule>
        {
            BasicStatistics(d, reads),
            PerBaseQuality(d),
            PerSequenceQuality(reads),
            PerSequenceGc(reads),
            PerBaseN(d, reads),
            LengthDistribution(reads),
        };

        /// <summary>One module's text, from "&gt;&gt;name\tstatus" to "&gt;&gt;END_MODULE".</summary>
        private sealed class FastQcModule
        {
            private readonly StringBuilder _text = new StringBuilder();

            public FastQcModule(string name, string status, string header)
            {
                Name = name;
                Status = status;
                _text.Append(">>").Append(name).Append('\t').Append(status).Append('\n').Append(header).Append('\n');
            }

            public string Name { get; }
            public string Status { get; }
            /// <summary>Where the rows go.</summary>
            public StringBuilder Rows => _text;
            public string Text => _text.ToString() + ">>END_MODULE\n";
        }

        private static FastQcModule BasicStatistics(QualityDistribution d, ReadStatistics reads)
        {
            var module = new FastQcModule("Basic Statistics", "pass", "#Measure\tValue");
            var b = module.Rows;
            b.Append("Filename\t").Append(d.Name).Append('\n');
            b.Append("File type\tConventional base calls\n");
            b.Append("Encoding\t").Append(Encoding(d)).Append('\n');
            b.Append("Total Sequences\t").Append(Number(d.ReadCount)).Append('\n');
            b.Append("Sequences flagged as poor quality\t0\n");
            b.Append("Sequence length\t").Append(d.MinLength == d.MaxLength ? Number(d.MinLength) : Number(d.MinLength) + "-" + Number(d.MaxLength)).Append('\n');
            b.Append("%GC\t").Append(Number(reads.GcPercent)).Append('\n');
            return module;
        }

        /// <summary>FastQC's name of the encoding: Phred+64 files whose lowest score is 1 are "Illumina 1.3", other Phred+64 "Illumina 1.5".</summary>
        private static string Encoding(QualityDistribution d)
        {
            if (d.PhredOffset != 64) return "Sanger / Illumina 1.9";
            int lowest = int.MaxValue;
            foreach (var row in d.Positions)
                if (row.Count > 0 && row.Minimum < lowest) lowest = row.Minimum;
            return lowest == 1 ? "Illumina 1.3" : "Illumina 1.5";
        }

        private static FastQcModule PerBaseQuality(QualityDistribution d)
        {
            var groups = BaseGroups(d.MaxLength);
            var rows = new List<double[]>(groups.Count);
            bool warn = false, fail = false;
            foreach (var (low, high) in groups)
            {
                // A group's value is the mean of its positions' values: means over positions with scores,
                // percentiles over positions with more than 100 scores (NaN when none has), as FastQC.
                double mean = 0, p10 = 0, q1 = 0, median = 0, q3 = 0, p90 = 0;
                int withScores = 0, withPercentiles = 0;
                foreach (var row in RowsIn(d, low, high))
                {
                    if (row.Count > 0) { withScores++; mean += row.Mean; }
                    if (row.Count > 100)
                    {
                        withPercentiles++;
                        median += row.Median;
                        q1 += row.LowerQuartile;
                        q3 += row.UpperQuartile;
                        p10 += row.Percentile10;
                        p90 += row.Percentile90;
                    }
                }
                double n = withPercentiles;
                var values = new[]
                {
                    withScores == 0 ? 0 : mean / withScores,
                    withPercentiles == 0 ? double.NaN : median / n,
                    withPercentiles == 0 ? double.NaN : q1 / n,
                    withPercentiles == 0 ? double.NaN : q3 / n,
                    withPercentiles == 0 ? double.NaN : p10 / n,
                    withPercentiles == 0 ? double.NaN : p90 / n,
                };
                rows.Add(values);
                if (!double.IsNaN(values[2]))
                {
                    if (values[2] < QualityBaseLowerError || values[1] < QualityBaseMedianError) fail = true;
                    if (values[2] < QualityBaseLowerWarn || values[1] < QualityBaseMedianWarn) warn = true;
                }
            }
            var module = new FastQcModule(PerBaseQualityModule, Status(warn, fail), "#Base\tMean\tMedian\tLower Quartile\tUpper Quartile\t10th Percentile\t90th Percentile");
            for (int i = 0; i < groups.Count; i++)
            {
                module.Rows.Append(GroupLabel(groups[i]));
                foreach (double v in rows[i]) module.Rows.Append('\t').Append(JavaDouble(v));
                module.Rows.Append('\n');
            }
            return module;
        }

        /// <summary>The rows of positions low..high (1-based). With binned positions (reads over 4096 bases) a bin counts in every group it overlaps.</summary>
        private static IEnumerable<PositionQuality> RowsIn(QualityDistribution d, int low, int high)
        {
            foreach (var row in d.Positions)
            {
                int end = Math.Max(row.Position, row.EndPosition);
                if (end < low || row.Position > high) continue;
                int positions = Math.Min(end, high) - Math.Max(row.Position, low) + 1;
                // Each position of the group counts once, as in FastQC: a bin stands for each of its positions.
                for (int i = 0; i < positions; i++) yield return row;
            }
        }

        private static FastQcModule PerSequenceQuality(ReadStatistics reads)
        {
            long most = 0;
            int mostFrequent = 0;
            foreach (var row in reads.MeanQuality)
                if (row.Count > most) { most = row.Count; mostFrequent = row.Quality; }
            string status = reads.MeanQuality.Length == 0 ? "pass" : Status(mostFrequent <= QualitySequenceWarn, mostFrequent <= QualitySequenceError);
            var module = new FastQcModule(PerSequenceQualityModule, status, "#Quality\tCount");
            foreach (var row in reads.MeanQuality)
                module.Rows.Append(Number(row.Quality)).Append('\t').Append(JavaDouble(row.Count)).Append('\n');
            return module;
        }

        private static FastQcModule PerSequenceGc(ReadStatistics reads)
        {
            double[] gc = reads.GcContent;
            double deviation = GcDeviationPercent(gc);
            var module = new FastQcModule(PerSequenceGcModule, Status(deviation > GcSequenceWarn, deviation > GcSequenceError), "#GC Content\tCount");
            for (int i = 0; i < gc.Length; i++) module.Rows.Append(Number(i)).Append('\t').Append(JavaDouble(gc[i])).Append('\n');
            return module;
        }

        /// <summary>
        /// FastQC's test of the GC curve: a normal distribution centred on the mode (averaged over neighbours within
        /// 10% of it), its spread from the curve, and the summed absolute difference as a percentage of the reads.
        /// </summary>
        internal static double GcDeviationPercent(double[] gc)
        {
            double total = 0, modeCount = 0;
            int firstMode = 0;
            for (int i = 0; i < gc.Length; i++)
            {
                total += gc[i];
                if (gc[i] > modeCount) { modeCount = gc[i]; firstMode = i; }
            }
            if (total == 0) return 0;
            double mode = 0;
            int duplicates = 0;
            bool offTop = true, offBottom = true;
            double limit = gc[firstMode] - gc[firstMode] / 10;
            for (int i = firstMode; i < gc.Length; i++)
            {
                if (gc[i] > limit) { mode += i; duplicates++; }
                else { offTop = false; break; }
            }
            for (int i = firstMode - 1; i >= 0; i--)
            {
                if (gc[i] > limit) { mode += i; duplicates++; }
                else { offBottom = false; break; }
            }
            mode = offTop || offBottom ? firstMode : mode / duplicates;
            double stdev = 0;
            for (int i = 0; i < gc.Length; i++) stdev += Math.Pow(i - mode, 2) * gc[i];
            stdev /= total - 1;
            stdev = Math.Sqrt(stdev);
            double deviation = 0;
            for (int i = 0; i < gc.Length; i++)
            {
                double lhs = 1d / Math.Sqrt(2 * Math.PI * stdev * stdev);
                double rhs = Math.Pow(Math.E, 0 - (Math.Pow(i - mode, 2) / (2 * stdev * stdev)));
                deviation += Math.Abs(lhs * rhs * total - gc[i]);
            }
            return deviation / total * 100;
        }

        private static FastQcModule PerBaseN(QualityDistribution d, ReadStatistics reads)
        {
            var groups = BaseGroups(d.MaxLength);
            var percents = new double[groups.Count];
            bool warn = false, fail = false;
            for (int i = 0; i < groups.Count; i++)
            {
                var (low, high) = groups[i];
                long n = 0, total = 0;
                foreach (var row in reads.NContent)
                {
                    int end = Math.Max(row.Position, row.EndPosition);
                    if (end < low || row.Position > high) continue;
                    n += row.Count;
                }
                foreach (var row in d.Positions)
                {
                    int end = Math.Max(row.Position, row.EndPosition);
                    if (end < low || row.Position > high) continue;
                    total += row.Count;
                }
                percents[i] = 100 * (n / (double)total);
                if (percents[i] > NContentError) fail = true;
                if (percents[i] > NContentWarn) warn = true;
            }
            var module = new FastQcModule(PerBaseNModule, Status(warn, fail), "#Base\tN-Count");
            for (int i = 0; i < groups.Count; i++) module.Rows.Append(GroupLabel(groups[i])).Append('\t').Append(JavaDouble(percents[i])).Append('\n');
            return module;
        }

        private static FastQcModule LengthDistribution(ReadStatistics reads)
        {
            bool empty = reads.LengthCounts.Length > 0 && reads.LengthCounts[0].Length == 0;
            var module = new FastQcModule(LengthModule, Status(reads.LengthCounts.Length > 1, empty), "#Length\tCount");
            foreach (var row in reads.LengthDistribution)
            {
                module.Rows.Append(row.Length == row.EndLength ? Number(row.Length) : Number(row.Length) + "-" + Number(row.EndLength));
                module.Rows.Append('\t').Append(JavaDouble(row.Count)).Append('\n');
            }
            return module;
        }

        private static string Status(bool warn, bool fail) => fail ? "fail" : warn ? "warn" : "pass";

        private static string GroupLabel((int Low, int High) g) => g.Low == g.High ? Number(g.Low) : Number(g.Low) + "-" + Number(g.High);

        private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

        /// <summary>
        /// FastQC's default position groups: every position up to 75 bases; beyond, positions 1..9 alone, then
        /// groups of 2, 5, 10, 20, 50, ... positions, the smallest that gives fewer than 75 groups.
        /// </summary>
        internal static List<(int Low, int High)> BaseGroups(int maxLength)
        {
            var groups = new List<(int, int)>();
            if (maxLength <= 75)
            {
                for (int p = 1; p <= maxLength; p++) groups.Add((p, p));
                return groups;
            }
            int interval = LinearInterval(maxLength);
            int start = 1;
            while (start <= maxLength)
            {
                int end = start + interval - 1;
                if (start < 10) end = start;
                if (start == 10 && interval > 10) end = interval - 1;
                if (end > maxLength) end = maxLength;
                groups.Add((start, end));
                if (start < 10) start++;
                else if (start == 10 && interval > 10) start = interval;
                else start += interval;
            }
            return groups;
        }

        private static int LinearInterval(int length)
        {
            int[] bases = { 2, 5, 10 };
            for (long multiplier = 1; ; multiplier *= 10)
            {
                foreach (int b in bases)
                {
                    long interval = b * multiplier;
                    long groups = 9 + (length - 9) / interval + ((length - 9) % interval != 0 ? 1 : 0);
                    if (groups < 75) return (int)interval;
                }
            }
        }

        /// <summary>
        /// A double as Java's Double.toString prints it (FastQC's numbers): the shortest digits that read back as the
        /// same double, plain with at least one decimal between 10^-3 and 10^7, else as d.dddE±n; NaN as "NaN".
        /// </summary>
        internal static string JavaDouble(double value)
        {
            if (double.IsNaN(value)) return "NaN";
            if (double.IsPositiveInfinity(value)) return "Infinity";
            if (double.IsNegativeInfinity(value)) return "-Infinity";
            if (value == 0) return 1 / value < 0 ? "-0.0" : "0.0";
            string r = value.ToString("E16", CultureInfo.InvariantCulture);
            // Shortest round-trip digits: try increasing precision.
            for (int precision = 1; precision <= 17; precision++)
            {
                string candidate = value.ToString("E" + (precision - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                if (double.Parse(candidate, CultureInfo.InvariantCulture) == value) { r = candidate; break; }
            }
            // r = [-]d.dddE+xxx
            bool negative = r[0] == '-';
            if (negative) r = r.Substring(1);
            int e = r.IndexOf('E');
            string digits = r.Substring(0, e).Replace(".", "");
            int exponent = int.Parse(r.Substring(e + 1), CultureInfo.InvariantCulture);
            digits = digits.TrimEnd('0');
            if (digits.Length == 0) digits = "0";
            var s = new StringBuilder();
            if (negative) s.Append('-');
            double magnitude = Math.Abs(value);
            if (magnitude >= 1e-3 && magnitude < 1e7)
            {
                if (exponent >= 0)
                {
                    string whole = digits.Length > exponent + 1 ? digits.Substring(0, exponent + 1) : digits.PadRight(exponent + 1, '0');
                    string fraction = digits.Length > exponent + 1 ? digits.Substring(exponent + 1) : "0";
                    s.Append(whole).Append('.').Append(fraction);
                }
                else
                {
                    s.Append("0.").Append('0', -exponent - 1).Append(digits);
                }
            }
            else
            {
                s.Append(digits[0]).Append('.').Append(digits.Length > 1 ? digits.Substring(1) : "0").Append('E').Append(exponent.ToString(CultureInfo.InvariantCulture));
            }
            return s.ToString();
        }
    }
}
