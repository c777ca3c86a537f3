using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using ParallelJobs.Statistics;

namespace ParallelJobs.Reports
{
    /// <summary>
    /// Saves and loads quality distributions without loss: the per-position score counts, not only the rows, so
    /// that loaded distributions merge exactly (<see cref="QualityDistributionMerge"/>). The format (UTF-8 JSON,
    /// documented in docs/quality-distribution-json.md):
    /// <code>
    /// { "format": "ParallelJobs.QualityDistribution", "version": 1, "distributions": [ {
    ///     "name", "path", "files": [..], "fileCount", "failedFileCount", "phredOffset": 33|64|null,
    ///     "phredOffsetsDisagree", "processId", "slot", "slots": [..], "durationTicks",
    ///     "readCount", "baseCount", "minLength", "maxLength", "binWidth",
    ///     "columns": [ [firstScore, countOfFirstScore, countOfNextScore, ...], ..., [] for an empty column ],
    ///     "reads": { (version 2, only when per-read metrics were collected)
    ///       "meanQuality": [firstScore, reads, ...], "readsWithoutQuality", "lengths": [length, reads, length, reads, ...],
    ///       "bases": [A, C, G, T, N, other], "nCounts": [per column, binned as "columns"],
    ///       "gc": [gcLength, gcCount, reads, ...] } } ] }
    /// </code>
    /// Readers ignore members they do not know; a change that an older reader would misread gets a new version.
    /// Version 2 added "reads"; version 1 files are still read (they have no per-read metrics).
    /// The rows, the mean and the summary are not stored: they are computed from the counts on loading, by the same
    /// code as in a run, so a loaded distribution has exactly the numbers of the saved one.
    /// </summary>
    internal static class QualityDistributionFile
    {
        public const string FormatName = "ParallelJobs.QualityDistribution";
        public const int Version = 2;
        /// <summary>The oldest version still read.</summary>
        public const int OldestVersion = 1;

        /// <summary>Writes the file; with overwrite false an existing file is an IOException (the file is created atomically).</summary>
        public static void Save(string path, IReadOnlyList<QualityDistribution> distributions, bool overwrite)
        {
            // Formatted first: a distribution without counts stops the save before the file exists.
            JsonText.Utf8Writer text = Write(distributions);
            using (var stream = new FileStream(path, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                text.WriteTo(stream);
            }
        }

        /// <summary>The file's text (for tests and for callers that want a string).</summary>
        public static string Format(IReadOnlyList<QualityDistribution> distributions) =>
            new UTF8Encoding(false).GetString(Write(distributions).ToArray());

        private static JsonText.Utf8Writer Write(IReadOnlyList<QualityDistribution> distributions)
        {
            if (distributions == null) throw new ArgumentNullException(nameof(distributions));
            var b = new JsonText.Utf8Writer();
            b.Append("{\n  \"format\": ");
            b.AppendString(FormatName);
            b.Append(",\n  \"version\": ").AppendNumber(Version);
            b.Append(",\n  \"distributions\": [");
            for (int i = 0; i < distributions.Count; i++)
            {
                b.Append(i == 0 ? "\n" : ",\n");
                Append(b, distributions[i]);
            }
            b.Append(distributions.Count == 0 ? "]\n}\n" : "\n  ]\n}\n");
            return b;
        }

        private static void Append(JsonText.Utf8Writer b, QualityDistribution d)
        {
            const string indent = "      ";
            b.Append("    {\n");
            StringMember(b, "name", d.Name);
            StringMember(b, "path", d.Path);
            b.Append(indent).Append("\"files\": [");
            for (int i = 0; i < d.Files.Length; i++)
            {
                b.Append(i == 0 ? "\n" + indent + "  " : ",\n" + indent + "  ");
                b.AppendString(d.Files[i]);
            }
            b.Append(d.Files.Length == 0 ? "],\n" : "\n" + indent + "],\n");
            NumberMember(b, "fileCount", d.FileCount);
            NumberMember(b, "failedFileCount", d.FailedFileCount);
            b.Append(indent).Append("\"phredOffset\": ");
            if (d.PhredOffset == null) b.Append("null"); else b.AppendNumber(d.PhredOffset.Value);
            b.Append(",\n");
            b.Append(indent).Append("\"phredOffsetsDisagree\": ").Append(d.PhredOffsetsDisagree ? "true" : "false").Append(",\n");
            NumberMember(b, "processId", d.ProcessId);
            NumberMember(b, "slot", d.Slot);
            b.Append(indent).Append("\"slots\": [");
            for (int i = 0; i < d.Slots.Length; i++)
            {
                if (i > 0) b.Append(", ");
                b.AppendNumber(d.Slots[i]);
            }
            b.Append("],\n");
            NumberMember(b, "durationTicks", d.Duration.Ticks);
            QualityCounts counts = d.RequireCounts();
            NumberMember(b, "readCount", counts.ReadCount);
            NumberMember(b, "baseCount", counts.BaseCount);
            NumberMember(b, "minLength", counts.MinLength);
            NumberMember(b, "maxLength", counts.MaxLength);
            NumberMember(b, "binWidth", counts.BinWidth);
            b.Append(indent).Append("\"columns\": [");
            int columns = counts.ColumnCount, span = counts.ScoreSpan;
            long[] cells = counts.Counts;
            for (int c = 0; c < columns; c++)
            {
                b.Append(c == 0 ? "\n" + indent + "  [" : ",\n" + indent + "  [");
                int from = c * span;
                int first = 0, last = span - 1;
                while (first < span && cells[from + first] == 0) first++;
                while (last >= first && cells[from + last] == 0) last--;
                if (first <= last)
                {
                    b.AppendNumber(counts.LowScore + first);
                    for (int s = first; s <= last; s++)
                    {
                        b.Append(", ");
                        b.AppendNumber(cells[from + s]);
                    }
                }
                b.Append(']');
            }
            b.Append(columns == 0 ? "]" : "\n" + indent + "]");
            if (counts.Reads != null) AppendReads(b, counts.Reads);
            b.Append("\n    }");
        }

        private static void AppendReads(JsonText.Utf8Writer b, ReadMetrics reads)
        {
            const string indent = "        ";
            b.Append(",\n      \"reads\": {\n");
            long[] mean = reads.MeanQualityCounts;
            int first = Array.FindIndex(mean, c => c != 0), last = Array.FindLastIndex(mean, c => c != 0);
            var meanRow = new List<long>();
            if (first >= 0)
            {
                meanRow.Add(first);
                for (int q = first; q <= last; q++) meanRow.Add(mean[q]);
            }
            NumbersMember(b, indent, "meanQuality", meanRow, true);
            b.Append(indent).Append("\"readsWithoutQuality\": ").AppendNumber(reads.ReadsWithoutQuality).Append(",\n");
            var lengths = new List<long>();
            foreach (var pair in reads.Lengths()) { lengths.Add(pair.Key); lengths.Add(pair.Value); }
            NumbersMember(b, indent, "lengths", lengths, true);
            NumbersMember(b, indent, "bases", reads.BaseCounts, true);
            NumbersMember(b, indent, "nCounts", reads.NCounts(), true);
            var gc = new List<long>();
            foreach (long[] t in reads.GcCounts()) gc.AddRange(t);
            NumbersMember(b, indent, "gc", gc, false);
            b.Append("      }");
        }

        private static void NumbersMember(JsonText.Utf8Writer b, string indent, string name, IReadOnlyList<long> values, bool comma)
        {
            b.Append(indent).Append("\"").Append(name).Append("\": [");
            for (int i = 0; i < values.Count; i++)
            {
                if (i > 0) b.Append(", ");
                b.AppendNumber(values[i]);
            }
            b.Append(comma ? "],\n" : "]\n");
        }

        private static void StringMember(JsonText.Utf8Writer b, string name, string value)
        {
            b.Append("      \"").Append(name).Append("\": ");
            b.AppendString(value);
            b.Append(",\n");
        }

        private static void NumberMember(JsonText.Utf8Writer b, string name, long value)
        {
            b.Append("      \"").Append(name).Append("\": ");
            b.AppendNumber(value);
            b.Append(",\n");
        }

        /// <summary>The distributions of a saved file. Any defect is a <see cref="QualityDistributionFileException"/> naming the file.</summary>
        public static List<QualityDistribution> Load(string path)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is NotSupportedException)
            {
                throw new QualityDistributionFileException(path, "cannot be read: " + e.Message, e);
            }
#if NET
            return Parse(bytes, path, ownReader: false);
#else
            return Parse(bytes, path, ownReader: true);
#endif
        }

        /// <summary>
        /// The distributions in a file's bytes. ownReader chooses <see cref="JsonText"/> (what netstandard2.0 uses)
        /// over System.Text.Json; the net8.0 tests read with both.
        /// </summary>
        internal static List<QualityDistribution> Parse(byte[] bytes, string source, bool ownReader)
        {
            int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            JsonNode root;
            try
            {
                if (ownReader)
                {
                    string text;
                    try { text = new UTF8Encoding(false, true).GetString(bytes, start, bytes.Length - start); }
                    catch (DecoderFallbackException) { throw new FormatException("not UTF-8 text"); }
                    root = JsonText.Parse(text);
                }
                else
                {
#if NET
                    root = SystemTextJsonReader.Parse(new ReadOnlyMemory<byte>(bytes, start, bytes.Length - start));
#else
                    throw new PlatformNotSupportedException("System.Text.Json is read by the net8.0 build only.");
#endif
                }
            }
            catch (FormatException e)
            {
                throw new QualityDistributionFileException(source, "is not valid JSON: " + e.Message, e);
            }
            return FromDocument(root, source);
        }

        private static List<QualityDistribution> FromDocument(JsonNode root, string source)
        {
            if (root.Kind != JsonKind.Object)
                throw new QualityDistributionFileException(source, "is not a saved quality distribution (the JSON is not an object with \"format\": \"" + FormatName + "\")");
            JsonNode? format = root.Member("format");
            if (format == null || format.Kind != JsonKind.String)
                throw new QualityDistributionFileException(source, "is not a saved quality distribution (it has no \"format\" member; Export-QualityDistribution writes \"" + FormatName + "\")");
            if (format.Text != FormatName)
                throw new QualityDistributionFileException(source, "is not a saved quality distribution: its format is \"" + format.Text + "\", not \"" + FormatName + "\"");
            JsonNode? version = root.Member("version");
            if (version == null || version.Kind != JsonKind.Number)
                throw new QualityDistributionFileException(source, "has no version number");
            if (version.Number < OldestVersion || version.Number > Version)
                throw new QualityDistributionFileException(source, "is version " + version.Number + " of the quality distribution format; this module reads versions " + OldestVersion + " to " + Version
                    + (version.Number > Version ? " (written by a newer ParallelJobs: update the module)" : ""));
            JsonNode list = Required(root, "distributions", JsonKind.Array, source, "the file");
            var result = new List<QualityDistribution>(list.Count);
            for (int i = 0; i < list.Count; i++)
            {
                JsonNode item = list[i];
                string where = "distribution " + (i + 1);
                if (item.Kind != JsonKind.Object) throw new QualityDistributionFileException(source, where + " is not an object");
                result.Add(FromObject(item, source, where));
            }
            return result;
        }

        private static QualityDistribution FromObject(JsonNode o, string source, string where)
        {
            string name = Required(o, "name", JsonKind.String, source, where).Text!;
            where += " (" + name + ")";
            string path = Required(o, "path", JsonKind.String, source, where).Text!;
            JsonNode filesNode = Required(o, "files", JsonKind.Array, source, where);
            var files = new string[filesNode.Count];
            for (int i = 0; i < files.Length; i++)
            {
                JsonNode file = filesNode[i];
                if (file.Kind != JsonKind.String) throw Bad(source, where, "\"files\" holds something other than a string");
                files[i] = file.Text!;
            }
            int fileCount = Int(o, "fileCount", source, where, 0, int.MaxValue);
            int failedFileCount = Int(o, "failedFileCount", source, where, 0, fileCount);
            JsonNode offsetNode = o.Member("phredOffset") ?? throw Bad(source, where, "has no \"phredOffset\"");
            int? offset = null;
            if (offsetNode.Kind != JsonKind.Null)
            {
                if (offsetNode.Kind != JsonKind.Number || (offsetNode.Number != 33 && offsetNode.Number != 64))
                    throw Bad(source, where, "\"phredOffset\" must be 33, 64 or null");
                offset = (int)offsetNode.Number;
            }
            JsonNode disagreeNode = o.Member("phredOffsetsDisagree") ?? JsonNode.False;
            if (disagreeNode.Kind != JsonKind.True && disagreeNode.Kind != JsonKind.False) throw Bad(source, where, "\"phredOffsetsDisagree\" must be true or false");
            bool disagree = disagreeNode.Kind == JsonKind.True;
            if (disagree && offset != null) throw Bad(source, where, "\"phredOffset\" must be null when \"phredOffsetsDisagree\" is true");
            int processId = Int(o, "processId", source, where, 0, int.MaxValue);
            int slot = Int(o, "slot", source, where, 0, int.MaxValue);
            JsonNode slotsNode = Required(o, "slots", JsonKind.Array, source, where);
            var slots = new int[slotsNode.Count];
            for (int i = 0; i < slots.Length; i++)
            {
                JsonNode s = slotsNode[i];
                if (s.Kind != JsonKind.Number || s.Number < 0 || s.Number > int.MaxValue) throw Bad(source, where, "\"slots\" must hold slot numbers");
                slots[i] = (int)s.Number;
            }
            long durationTicks = Long(o, "durationTicks", source, where);
            long readCount = Long(o, "readCount", source, where);
            long baseCount = Long(o, "baseCount", source, where);
            int maxLength = Int(o, "maxLength", source, where, 0, int.MaxValue);
            int minLength = Int(o, "minLength", source, where, 0, maxLength);
            int binWidth = Int(o, "binWidth", source, where, 1, int.MaxValue);
            if (readCount == 0 && (baseCount != 0 || maxLength != 0))
                throw Bad(source, where, "has no reads but bases or a length");
            int shift = QualityCounts.ShiftFor(maxLength);
            if (binWidth != 1 << shift)
                throw Bad(source, where, "\"binWidth\" is " + binWidth + ", but reads of up to " + maxLength + " bases are binned by " + (1 << shift));
            int columnCount = maxLength == 0 ? 0 : ((maxLength - 1) >> shift) + 1;
            JsonNode columns = Required(o, "columns", JsonKind.Array, source, where);
            if (columns.Count != columnCount)
                throw Bad(source, where, "has " + columns.Count + " columns; " + maxLength + " bases in bins of " + binWidth + " need " + columnCount);
            QualityCounts counts = ReadColumns(columns, source, where, shift, readCount, baseCount, minLength, maxLength);
            JsonNode? readsNode = o.Member("reads");
            if (readsNode != null && readsNode.Kind != JsonKind.Null)
                counts.Reads = ReadReads(readsNode, source, where, readCount, baseCount, maxLength);
            var histogram = counts.ToHistogram();
            var distribution = QualityDistribution.FromHistogram(name, path, histogram);
            distribution.Files = files;
            distribution.FileCount = fileCount;
            distribution.FailedFileCount = failedFileCount;
            distribution.PhredOffset = offset;
            distribution.PhredOffsetsDisagree = disagree;
            distribution.ProcessId = processId;
            distribution.Slot = slot;
            distribution.Slots = slots;
            distribution.Duration = TimeSpan.FromTicks(durationTicks);
            return distribution;
        }

        private static QualityCounts ReadColumns(JsonNode columns, string source, string where, int shift, long readCount, long baseCount, int minLength, int maxLength)
        {
            int low = QualityHistogram.ScoreCount, high = -1;
            for (int c = 0; c < columns.Count; c++)
            {
                JsonNode column = columns[c];
                if (column.Kind != JsonKind.Array || (column.Count > 0 && column.Numbers == null))
                    throw Bad(source, where, "column " + (c + 1) + " is not an array of whole numbers");
                if (column.Count == 0) continue;
                if (column.Count == 1) throw Bad(source, where, "column " + (c + 1) + " has a first score but no counts");
                long first = column.Numbers![0];
                long last = first + column.Count - 2;
                if (first < 0 || last > QualityHistogram.MaxScore)
                    throw Bad(source, where, "column " + (c + 1) + " holds scores outside 0.." + QualityHistogram.MaxScore);
                if (first < low) low = (int)first;
                if (last > high) high = (int)last;
            }
            if (high < 0) { low = 0; high = -1; }
            int span = high - low + 1;
            var cells = new long[columns.Count * span];
            long total = 0;
            for (int c = 0; c < columns.Count; c++)
            {
                long[]? numbers = columns[c].Numbers;
                if (numbers == null) continue;
                int to = c * span + (int)numbers[0] - low;
                for (int i = 1; i < numbers.Length; i++)
                {
                    long n = numbers[i];
                    if (n < 0) throw Bad(source, where, "column " + (c + 1) + " has a negative count");
                    cells[to + i - 1] = n;
                    total += n;
                }
            }
            if (total != baseCount)
                throw Bad(source, where, "its columns count " + total + " scores, but \"baseCount\" is " + baseCount + " (every base has one score)");
            return new QualityCounts(shift, readCount, baseCount, minLength, maxLength, low, span, cells);
        }

        /// <summary>The per-read counts of a version-2 distribution, checked against its totals.</summary>
        private static ReadMetrics ReadReads(JsonNode r, string source, string where, long readCount, long baseCount, int maxLength)
        {
            if (r.Kind != JsonKind.Object) throw Bad(source, where, "\"reads\" is not an object");
            where += " \"reads\"";
            long[] Numbers(string member)
            {
                JsonNode node = Required(r, member, JsonKind.Array, source, where);
                if (node.Count == 0) return Array.Empty<long>();
                long[] values = node.Numbers ?? throw Bad(source, where, "\"" + member + "\" is not an array of whole numbers");
                foreach (long v in values)
                    if (v < 0) throw Bad(source, where, "\"" + member + "\" holds a negative number");
                return values;
            }
            long[] meanRow = Numbers("meanQuality");
            var mean = new long[QualityHistogram.ScoreCount];
            if (meanRow.Length == 1 || (meanRow.Length > 1 && meanRow[0] + meanRow.Length - 2 > QualityHistogram.MaxScore))
                throw Bad(source, where, "\"meanQuality\" holds scores outside 0.." + QualityHistogram.MaxScore);
            for (int i = 1; i < meanRow.Length; i++) mean[meanRow[0] + i - 1] = meanRow[i];
            long withoutQuality = Long(r, "readsWithoutQuality", source, where);
            long[] lengthPairs = Numbers("lengths");
            if (lengthPairs.Length % 2 != 0) throw Bad(source, where, "\"lengths\" must hold (length, reads) pairs");
            var lengths = new List<KeyValuePair<int, long>>();
            long reads = 0, bases = 0;
            for (int i = 0; i < lengthPairs.Length; i += 2)
            {
                if (lengthPairs[i] > maxLength) throw Bad(source, where, "\"lengths\" holds a length over \"maxLength\" (" + maxLength + ")");
                lengths.Add(new KeyValuePair<int, long>((int)lengthPairs[i], lengthPairs[i + 1]));
                reads += lengthPairs[i + 1];
                bases += lengthPairs[i] * lengthPairs[i + 1];
            }
            if (reads != readCount || bases != baseCount)
                throw Bad(source, where, "\"lengths\" count " + reads + " reads of " + bases + " bases, but the distribution has " + readCount + " of " + baseCount);
            long meanReads = 0;
            foreach (long n in mean) meanReads += n;
            if (meanReads + withoutQuality > readCount) throw Bad(source, where, "\"meanQuality\" counts more reads than the distribution has");
            long[] baseCounts = Numbers("bases");
            if (baseCounts.Length != 6) throw Bad(source, where, "\"bases\" must hold 6 counts (A, C, G, T, N, other)");
            long[] nCounts = Numbers("nCounts");
            int shift = QualityCounts.ShiftFor(maxLength);
            int columns = maxLength == 0 ? 0 : ((maxLength - 1) >> shift) + 1;
            if (nCounts.Length != columns) throw Bad(source, where, "\"nCounts\" has " + nCounts.Length + " columns, not " + columns);
            long[] gcTriples = Numbers("gc");
            if (gcTriples.Length % 3 != 0) throw Bad(source, where, "\"gc\" must hold (length, GC count, reads) triples");
            var gc = new List<long[]>();
            for (int i = 0; i < gcTriples.Length; i += 3)
            {
                if (gcTriples[i] > maxLength || gcTriples[i + 1] > gcTriples[i]) throw Bad(source, where, "\"gc\" holds a GC count over its length, or a length over \"maxLength\"");
                gc.Add(new[] { gcTriples[i], gcTriples[i + 1], gcTriples[i + 2] });
            }
            return ReadMetrics.FromSaved(mean, withoutQuality, lengths, baseCounts, maxLength, nCounts, gc);
        }

        private static JsonNode Required(JsonNode o, string member, JsonKind kind, string source, string where)
        {
            JsonNode? value = o.Member(member);
            if (value == null) throw Bad(source, where, "has no \"" + member + "\"");
            if (value.Kind != kind) throw Bad(source, where, "\"" + member + "\" is not " + (kind == JsonKind.Array ? "an array" : kind == JsonKind.String ? "a string" : "a " + kind.ToString().ToLowerInvariant()));
            return value;
        }

        private static long Long(JsonNode o, string member, string source, string where)
        {
            long value = Required(o, member, JsonKind.Number, source, where).Number;
            if (value < 0) throw Bad(source, where, "\"" + member + "\" is negative");
            return value;
        }

        private static int Int(JsonNode o, string member, string source, string where, int minimum, int maximum)
        {
            long value = Required(o, member, JsonKind.Number, source, where).Number;
            if (value < minimum || value > maximum) throw Bad(source, where, "\"" + member + "\" is " + value + ", outside " + minimum + ".." + maximum);
            return (int)value;
        }

        private static QualityDistributionFileException Bad(string source, string where, string what) =>
            new QualityDistributionFileException(source, where + " " + what);
    }

    /// <summary>A saved distribution file that cannot be loaded: the message starts with the file's path and says what is wrong.</summary>
    internal sealed class QualityDistributionFileException : Exception
    {
        public QualityDistributionFileException(string path, string problem, Exception? inner = null) : base(path + ": " + problem, inner)
        {
            Path = path;
        }

        public string Path { get; }
    }
}
