using System;
using System.Collections.Generic;
using System.Linq;

namespace ParallelJobs.Scheduling
{
    /// <summary>
    /// What one command is made from: its text (shown as the result's input and filling {}), its positional
    /// values ({1} {2} …; one value for a plain input, several for an array) and named values ({Name}, the
    /// properties of an object that the template names).
    /// </summary>
    internal sealed class CommandInput
    {
        private static readonly IReadOnlyDictionary<string, string> NoNames = new Dictionary<string, string>();

        private CommandInput(string text, IReadOnlyList<string> values, IReadOnlyDictionary<string, string>? named)
        {
            Text = text;
            Values = values;
            Named = named ?? NoNames;
        }

        /// <summary>One value: {} and {1} are the value.</summary>
        public static CommandInput Single(string value) =>
            new CommandInput(value ?? throw new ArgumentNullException(nameof(value)), new[] { value }, null);

        /// <summary>Several values ({1} {2} …); {} is all of them, each quoted on its own, separated by spaces.</summary>
        public static CommandInput Multiple(IEnumerable<string?> values)
        {
            if (values == null) throw new ArgumentNullException(nameof(values));
            var list = values.Select(v => v ?? "").ToArray();
            return new CommandInput(string.Join(" ", list), list, null);
        }

        /// <summary>An object: {} and {1} are its text; {Name} is the named value (compared ignoring case).</summary>
        public static CommandInput Object(string text, IEnumerable<KeyValuePair<string, string?>> named)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var kv in named ?? Enumerable.Empty<KeyValuePair<string, string?>>()) map[kv.Key] = kv.Value ?? "";
            return new CommandInput(text, new[] { text }, map);
        }

        /// <summary>The input as one text: the result's InputObject, and what a template without tokens gets appended (quoted per value).</summary>
        public string Text { get; }
        public IReadOnlyList<string> Values { get; }
        public IReadOnlyDictionary<string, string> Named { get; }
    }
}
