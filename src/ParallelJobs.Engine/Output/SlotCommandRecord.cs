using System;
using System.Globalization;
using System.IO;

namespace ParallelJobs.Output
{
    /// <summary>
    /// One row of an output directory's commands.tsv: which slot ran a command, how it ended, and where
    /// its bytes sit in that slot's slot-&lt;k&gt;.out and slot-&lt;k&gt;.err.
    /// </summary>
    internal sealed class SlotCommandRecord
    {
        public int Index { get; private set; }
        public int Slot { get; private set; }
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
        /// <exception cref="InvalidDataException">The line does not have the columns commands.tsv has.</exception>
        public static SlotCommandRecord Parse(string line, int lineNumber)
        {
            var f = line.Split('\t');
            if (f.Length < 11) throw new InvalidDataException($"Line {lineNumber} of commands.tsv has {f.Length} columns, 11 expected.");
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
                    // A command holding tabs is one escaped field; join defensively all the same.
                    Command = SlotFileSet.UnescapeField(string.Join("\t", f, 10, f.Length - 10)),
                };
            }
            catch (Exception e) when (e is FormatException || e is OverflowException || e is ArgumentException)
            {
                throw new InvalidDataException($"Line {lineNumber} of commands.tsv cannot be read: {e.Message}", e);
            }
        }

        private static DateTime? ParseTime(string s) =>
            s.Length == 0 ? (DateTime?)null : DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

        public override string ToString() => $"[{Index}] slot {Slot} {Status} {MessageText.Shorten(Command)}";
    }
}
