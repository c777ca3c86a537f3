using System;
using System.Collections.Generic;

namespace ParallelJobs.Reports
{
    internal enum JsonKind
    {
        Object,
        Array,
        String,
        Number,
        True,
        False,
        Null,
    }

    /// <summary>
    /// A parsed JSON value, as much of JSON as the module's own files use: numbers are whole (a long), and an
    /// array of numbers only is kept as a long[] (<see cref="Numbers"/>), so that histogram columns cost one
    /// array each, not one object per count.
    /// </summary>
    internal sealed class JsonNode
    {
        public static readonly JsonNode Null = new JsonNode(JsonKind.Null);
        public static readonly JsonNode True = new JsonNode(JsonKind.True);
        public static readonly JsonNode False = new JsonNode(JsonKind.False);

        private JsonNode(JsonKind kind) => Kind = kind;

        public JsonKind Kind { get; }
        public string? Text { get; private set; }
        public long Number { get; private set; }
        /// <summary>Members of an object, in file order.</summary>
        public List<KeyValuePair<string, JsonNode>>? Members { get; private set; }
        /// <summary>Items of an array that holds anything but numbers (or nothing).</summary>
        public List<JsonNode>? Items { get; private set; }
        /// <summary>Items of a non-empty array of numbers only.</summary>
        public long[]? Numbers { get; private set; }

        public static JsonNode FromString(string text) => new JsonNode(JsonKind.String) { Text = text };
        public static JsonNode FromNumber(long number) => new JsonNode(JsonKind.Number) { Number = number };
        public static JsonNode FromMembers(List<KeyValuePair<string, JsonNode>> members) => new JsonNode(JsonKind.Object) { Members = members };
        public static JsonNode FromItems(List<JsonNode> items) => new JsonNode(JsonKind.Array) { Items = items };
        public static JsonNode FromNumbers(long[] numbers) => new JsonNode(JsonKind.Array) { Numbers = numbers };

        public int Count => Numbers?.Length ?? Items?.Count ?? 0;

        /// <summary>Item i of an array (a number node for an array of numbers).</summary>
        public JsonNode this[int index] => Numbers != null ? FromNumber(Numbers[index]) : Items![index];

        /// <summary>The member's value, or null when the object has no such member.</summary>
        public JsonNode? Member(string name)
        {
            if (Members == null) return null;
            foreach (var member in Members)
                if (string.Equals(member.Key, name, StringComparison.Ordinal)) return member.Value;
            return null;
        }
    }
}
