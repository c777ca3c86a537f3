using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using ParallelJobs.Compression;

namespace ParallelJobs.Pairs
{
    /// <summary>
    /// Mates of paired-end reads: which files of an input are pairs (names that differ only in _R1/_R2, or with
    /// -Paired also _1/_2), and
    /// whether two such files hold the same number of records with matching read ids (the title up to the first
    /// white space, without a final /1 or /2). Only the titles are read here, record by record in step in both
    /// files; counting the qualities is the parsers' work, and a file with a defect is reported by them.
    /// </summary>
    internal static class ReadPairCheck
    {
        private static readonly Regex MateToken = new Regex("_(R?)([12])(?=[._])", RegexOptions.CultureInvariant);

        /// <summary>
        /// The pairs among <paramref name="files"/> (first mate first) and the files that have no mate. A name
        /// pairs when replacing its last _R1 by _R2 gives another of the files; with <paramref name="numbered"/>
        /// also _1 by _2. Plain _1/_2 names are paired only when asked (-Paired), because files are often split
        /// into numbered parts (reads_1.fastq, reads_2.fastq) that are not mates.
        /// </summary>
        public static List<(string First, string Second)> FindPairs(IReadOnlyList<string> files, bool numbered, out List<string> unpaired)
        {
            var byPath = new HashSet<string>(files, StringComparer.Ordinal);
            var pairs = new List<(string, string)>();
            var paired = new HashSet<string>(StringComparer.Ordinal);
            foreach (string file in files)
            {
                string name = Path.GetFileName(file);
                var matches = MateToken.Matches(name);
                if (matches.Count == 0) continue;
                Match last = matches[matches.Count - 1];
                if (last.Groups[2].Value != "1" || (!numbered && last.Groups[1].Value.Length == 0)) continue;
                string mateName = name.Substring(0, last.Index) + "_" + last.Groups[1].Value + "2" + name.Substring(last.Index + last.Length);
                string mate = Path.Combine(Path.GetDirectoryName(file) ?? "", mateName);
                if (!byPath.Contains(mate) || paired.Contains(file) || paired.Contains(mate)) continue;
                pairs.Add((file, mate));
                paired.Add(file);
                paired.Add(mate);
            }
            unpaired = new List<string>();
            foreach (string file in files)
                if (!paired.Contains(file)) unpaired.Add(file);
            return pairs;
        }

        /// <summary>Null when the mates agree; otherwise what is wrong, naming both files and a line of each.</summary>
        public static string? Check(string first, string second, CancellationToken cancellationToken)
        {
            using (var a = new TitleReader(first))
            using (var b = new TitleReader(second))
            {
                long records = 0;
                while (true)
                {
                    if ((records & 4095) == 0) cancellationToken.ThrowIfCancellationRequested();
                    bool hasA = a.Next(), hasB = b.Next();
                    if (!hasA && !hasB) return null;
                    if (hasA != hasB)
                    {
                        TitleReader longer = hasA ? a : b, shorter = hasA ? b : a;
                        return "the mates do not have the same number of records: " + shorter.Path + " ends after " + records + " records (line "
                            + shorter.Line + "), while " + longer.Path + " has another at line " + longer.TitleLine;
                    }
                    records++;
                    if (!SameId(a.Title, b.Title))
                        return "the read ids of record " + records + " differ: '" + a.Title + "' at line " + a.TitleLine + " of " + a.Path
                            + ", '" + b.Title + "' at line " + b.TitleLine + " of " + b.Path;
                }
            }
        }

        /// <summary>Titles name the same read: equal up to the first white space, apart from a final /1 or /2.</summary>
        internal static bool SameId(string a, string b) => string.Equals(Id(a), Id(b), StringComparison.Ordinal);

        private static string Id(string title)
        {
            int end = 0;
            while (end < title.Length && title[end] != ' ' && title[end] != '\t') end++;
            if (end >= 2 && title[end - 2] == '/' && (title[end - 1] == '1' || title[end - 1] == '2')) end -= 2;
            return title.Substring(0, end);
        }

        /// <summary>
        /// The titles of a FASTQ file (plain or gzip), record by record, by the parser's record rules (sequence lines
        /// up to the '+' line, then quality lines until they are as long as the sequence).
        /// </summary>
        private sealed class TitleReader : IDisposable
        {
            private readonly Stream _file;
            private readonly Stream _data;
            private readonly StreamReader _text;

            public TitleReader(string path)
            {
                Path = path;
                _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                int b0 = _file.ReadByte(), b1 = _file.ReadByte();
                _file.Position = 0;
                _data = b0 == 0x1f && b1 == 0x8b ? new GzipReader(_file, leaveOpen: true) : _file;
                _text = new StreamReader(_data, Encoding.ASCII, false, 1 << 16);
            }

            public string Path { get; }
            public string Title { get; private set; } = "";
            public long TitleLine { get; private set; }
            /// <summary>Lines read so far.</summary>
            public long Line { get; private set; }

            public bool Next()
            {
                string? line;
                do
                {
                    line = ReadLine();
                    if (line == null) return false;
                }
                while (line.Length == 0);
                if (line[0] != '@') throw new InvalidDataException(Path + " line " + Line + ": expected a title line starting with '@'");
                Title = line.Substring(1);
                TitleLine = Line;
                long sequence = 0;
                while ((line = ReadLine()) != null && !(line.Length > 0 && line[0] == '+')) sequence += line.Length;
                long quality = 0;
                while (quality < sequence && (line = ReadLine()) != null) quality += line.Length;
                return true;
            }

            private string? ReadLine()
            {
                string? line = _text.ReadLine();
                if (line != null) Line++;
                return line;
            }

            public void Dispose()
            {
                _text.Dispose();
                if (!ReferenceEquals(_data, _file)) _data.Dispose();
                _file.Dispose();
            }
        }
    }
}
