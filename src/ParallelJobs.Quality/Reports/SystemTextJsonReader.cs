#if NET
using System;
using System.Collections.Generic;
using System.Text.Json;

namespace ParallelJobs.Reports
{
    /// <summary>
    /// Reads JSON with System.Text.Json (part of .NET 8) into the same <see cref="JsonNode"/> tree as <see cref="JsonText"/>:
    /// one pass of Utf8JsonReader, arrays of numbers straight into a long[].
    /// </summary>
    internal static class SystemTextJsonReader
    {
        public static JsonNode Parse(ReadOnlyMemory<byte> utf8)
        {
            var reader = new Utf8JsonReader(utf8.Span, new JsonReaderOptions { MaxDepth = 64 });
            try
            {
                if (!reader.Read()) throw new FormatException("a value is missing (the text ends too early: truncated?)");
                var numbers = new List<long>();
                JsonNode root = Value(ref reader, numbers);
                if (reader.Read()) throw new FormatException("text after the end of the JSON value");
                return root;
            }
            catch (JsonException e)
            {
                // System.Text.Json counts lines and bytes from 0.
                string where = e.LineNumber != null ? " (line " + (e.LineNumber + 1) + ", byte " + (e.BytePositionInLine + 1) + ")" : "";
                throw new FormatException(FirstSentence(e.Message) + where, e);
            }
        }

        private static string FirstSentence(string message)
        {
            int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return (cut > 0 ? message.Substring(0, cut) : message).TrimEnd();
        }

        // The reader is on the value's first token; on return, on its last.
        private static JsonNode Value(ref Utf8JsonReader reader, List<long> numbers)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    var members = new List<KeyValuePair<string, JsonNode>>();
                    while (Next(ref reader) != JsonTokenType.EndObject)
                    {
                        string name = reader.GetString()!;
                        Next(ref reader);
                        members.Add(new KeyValuePair<string, JsonNode>(name, Value(ref reader, numbers)));
                    }
                    return JsonNode.FromMembers(members);
                case JsonTokenType.StartArray:
                    int start = numbers.Count;
                    List<JsonNode>? items = null;
                    while (Next(ref reader) != JsonTokenType.EndArray)
                    {
                        if (items == null && reader.TokenType == JsonTokenType.Number) { numbers.Add(Whole(ref reader)); continue; }
                        if (items == null)
                        {
                            items = new List<JsonNode>();
                            for (int i = start; i < numbers.Count; i++) items.Add(JsonNode.FromNumber(numbers[i]));
                            numbers.RemoveRange(start, numbers.Count - start);
                        }
                        items.Add(Value(ref reader, numbers));
                    }
                    if (items != null) return JsonNode.FromItems(items);
                    if (numbers.Count == start) return JsonNode.FromItems(new List<JsonNode>());
                    var values = new long[numbers.Count - start];
                    numbers.CopyTo(start, values, 0, values.Length);
                    numbers.RemoveRange(start, values.Length);
                    return JsonNode.FromNumbers(values);
                case JsonTokenType.String: return JsonNode.FromString(reader.GetString()!);
                case JsonTokenType.Number: return JsonNode.FromNumber(Whole(ref reader));
                case JsonTokenType.True: return JsonNode.True;
                case JsonTokenType.False: return JsonNode.False;
                case JsonTokenType.Null: return JsonNode.Null;
                default: throw new FormatException("unexpected " + reader.TokenType);
            }
        }

        private static JsonTokenType Next(ref Utf8JsonReader reader)
        {
            if (!reader.Read()) throw new FormatException("the text ends too early (truncated?) at byte " + (reader.BytesConsumed + 1));
            return reader.TokenType;
        }

        private static long Whole(ref Utf8JsonReader reader)
        {
            if (!reader.TryGetInt64(out long value))
                throw new FormatException("a number that is not whole or too large at byte " + (reader.TokenStartIndex + 1));
            return value;
        }
    }
}
#endif
