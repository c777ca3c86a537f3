using System;
using System.Globalization;
using System.IO;

namespace ParallelJobs.Output
{
    /// <summary>
    /// One row of an output directory's commands.tsv: which slot (of which host) ran a command, how it ended, and
    /// where its bytes sit in that slot's files (slot-&lt;k&gt;.out and .err, or slot-&lt;host&gt;-&lt;k&gt;.out and .err).
    /// </summary>
    internal sealed class SlotCommandRecord
    {
        public int Index { get; private set; }
        public int Slot { get; private set; }
        /// <summary>The machine that ran it (the result's ComputerName); null in a file written without the Host column.</summary>
        public string? Host { get; private set; }
        public CommandStatus Status { get; private set; }
        public int? ExitCode { get; private set; }
        public DateTime? StartTime { get; private set; }
        public DateTime? EndTime { get; private set; }
        public long OutOffset { get; private set; }
        public long OutLength { get; private set; }
        public long ErrOffset { get; private set; }
        public long ErrLength { get; private set; }
        public string Command { get; private set; } = "";

        /// <summary>Parses one data line (not the header) of commands.tsv.</summary>
        /// <param name="hasHost">The file's header has the Host column (before Command).</param>
        /// <exception cref="InvalidDataException">The line does not have the columns commands.tsv has.</exception>
        public static SlotCommandRecord Parse(string line, int lineNumber, bool hasHost = true)
        {
            var f = line.Split('\t');
            int columns = hasHost ? 12 : 11;
            if (f.Length < columns) throw new InvalidDataException($"Line {lineNumber} of commands.tsv has {f.Length} columns, {columns} expected.");
            try
            {
                return new SlotCommandRecord
                {
                    Index = int.Parse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture),
                    Slot = int.Parse(f[1], NumberStyles.Integer, CultureInfo.InvariantCulture),
                    Status = (CommandStatus)Enum.Parse(typeof(CommandStatus), f[2]),
                    ExitCode = f[3].Length == 0 ? (int?)null : int.Parse(f[3], NumberStyles.Integer, CultureInfo.InvariantCulture),
                    StartTime = ParseTime(f[4]),
                    EndTime = ParseTime(f[5]),
                    OutOffset = long.Parse(f[6], NumberStyles.Integer, CultureInfo.InvariantCulture),
                    OutLength = long.Parse(f[7], NumberStyles.Integer, CultureInfo.InvariantCulture),
                    ErrOffset = long.Parse(f[8], NumberStyles.Integer, CultureInfo.InvariantCulture),
                    ErrLength = long.Parse(f[9], NumberStyles.Integer, CultureInfo.InvariantCulture),
                    Host = hasHost ? SlotFileSet.UnescapeField(f[10]) : null,
                    // A command holding tabs is one escaped field; join defensively all the same.
                    Command = SlotFileSet.UnescapeField(string.Join("\t", f, columns - 1, f.Length - columns + 1)),
                };
            }
            catch (Exception e) when (e is FormatException || e is OverflowException || e is ArgumentException)
            {
                throw new InvalidDataException($"Line {lineNumber} of commands.tsv cannot be read: {e.Message}", e);
            }
        }

        private static DateTime? ParseTime(string s) =>
            s.Length == 0 ? (DateTime?)null : DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

        public override string ToString() => $"[{Index}] slot {Slot}{(Host != null ? " on " + Host : "")} {Status} {MessageText.Shorten(Command)}";
    }
}
