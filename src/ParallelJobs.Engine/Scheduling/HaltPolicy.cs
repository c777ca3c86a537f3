using System;
using System.Globalization;

namespace ParallelJobs.Scheduling
{
    /// <summary>
    /// When a run stops early, as GNU parallel's --halt: after N (or N% of all) commands failed, succeeded or
    /// finished, either start nothing new and let the running ones end (soon) or also stop those (now).
    /// </summary>
    internal sealed class HaltPolicy
    {
        public enum Counting { Fail, Success, Done }

        private HaltPolicy(bool now, Counting what, int count, double? percent, string text)
        {
            Now = now;
            What = what;
            Count = count;
            Percent = percent;
            Text = text;
        }

        /// <summary>Stop the running commands too (now), not only the starting of new ones (soon).</summary>
        public bool Now { get; }
        public Counting What { get; }
        /// <summary>How many commands (when <see cref="Percent"/> is null).</summary>
        public int Count { get; }
        /// <summary>A share of all the commands, 0 &lt; p ≤ 100; counted once the input is complete.</summary>
        public double? Percent { get; }
        /// <summary>The policy as written, normalised (now,fail=1).</summary>
        public string Text { get; }

        /// <summary>Reads GNU parallel's form: soon|now,fail|success|done=N|N%.</summary>
        /// <exception cref="FormatException">Not of that form; the message shows the form.</exception>
        public static HaltPolicy Parse(string text)
        {
            const string Form = "give when,what=how many: when is soon (start nothing new) or now (stop the running commands too); what is fail, success or done; how many is a count (1 or more) or a percentage of all the commands (1% to 100%), as GNU parallel's --halt: soon,fail=1, now,fail=10%, now,success=1";
            if (text == null) throw new ArgumentNullException(nameof(text));
            var parts = text.Trim().Split(',');
            if (parts.Length != 2) throw new FormatException($"Halt policy '{text}' is not understood: {Form}.");
            string when = parts[0].Trim().ToLowerInvariant();
            if (when != "soon" && when != "now") throw new FormatException($"Halt policy '{text}': '{parts[0].Trim()}' is not soon or now; {Form}.");
            var kv = parts[1].Split('=');
            if (kv.Length != 2) throw new FormatException($"Halt policy '{text}' is not understood: {Form}.");
            string whatText = kv[0].Trim().ToLowerInvariant();
            Counting what = whatText switch
            {
                "fail" => Counting.Fail,
                "success" => Counting.Success,
                "done" => Counting.Done,
                _ => throw new FormatException($"Halt policy '{text}': '{kv[0].Trim()}' is not fail, success or done; {Form}."),
            };
            string amount = kv[1].Trim();
            if (amount.EndsWith("%", StringComparison.Ordinal))
            {
                if (!double.TryParse(amount.Substring(0, amount.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double pct) || !(pct > 0 && pct <= 100))
                    throw new FormatException($"Halt policy '{text}': '{amount}' is not a percentage above 0% and at most 100%; {Form}.");
                return new HaltPolicy(when == "now", what, 0, pct, $"{when},{whatText}={pct.ToString(CultureInfo.InvariantCulture)}%");
            }
            if (!int.TryParse(amount, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1)
                throw new FormatException($"Halt policy '{text}': '{amount}' is not a count of at least 1; {Form}.");
            return new HaltPolicy(when == "now", what, count, null, $"{when},{whatText}={count}");
        }

        /// <summary>
        /// The reason to halt now, or null: <paramref name="failed"/>, <paramref name="succeeded"/> and
        /// <paramref name="finished"/> commands so far, out of <paramref name="total"/> (null while input still arrives).
        /// </summary>
        public string? Check(int failed, int succeeded, int finished, int? total)
        {
            int counted = What == Counting.Fail ? failed : What == Counting.Success ? succeeded : finished;
            string noun = What == Counting.Fail ? "failed" : What == Counting.Success ? "succeeded" : "finished";
            if (Percent.HasValue)
            {
                // As GNU parallel, a share of all the commands: known once the input is complete.
                if (!total.HasValue || total.Value == 0) return null;
                if (counted < Percent.Value / 100.0 * total.Value) return null;
                return $"the halt policy {Text} was met: {counted} of {total.Value} commands {noun}";
            }
            if (counted < Count) return null;
            return $"the halt policy {Text} was met: {counted} command{(counted == 1 ? "" : "s")} {noun}";
        }
    }
}
