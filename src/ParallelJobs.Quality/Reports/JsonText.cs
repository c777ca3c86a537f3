using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ParallelJobs.Reports
{
    /// <summary>
    /// The module's own JSON reader and writer. The writer makes the files of both builds byte for byte the same.
    /// The reader is the one the netstandard2.0 build (Windows PowerShell 5.1) uses, where System.Text.Json is not
    /// part of the platform and would have to ship with half a dozen DLLs; the net8.0 build reads with
    /// System.Text.Json (see <see cref="QualityDistributionFile"/>). It reads strict JSON (RFC 8259) except that
    /// numbers must be whole and fit a long, which is all the module writes.
    /// </summary>
    internal static class JsonText
    {
        public static JsonNode Parse(string text)
        {
            var parser = new Parser(text ?? throw new ArgumentNullException(nameof(text)));
            parser.SkipSpace();
            JsonNode value = parser.Value(0);
            parser.SkipSpace();
            if (parser.Position != text.Length) throw parser.Error("text after the end of the JSON value");
            return value;
        }

        /// <summary>
        /// Writes UTF-8 JSON text into a growing byte array: numbers as digits straight into bytes, with no string
        /// per number (a saved histogram has thousands of counts).
        /// </summary>
        internal sealed class Utf8Writer
        {
            private byte[] _bytes = new byte[1 << 14];

            public int Length { get; private set; }

            public byte[] ToArray()
            {
                var copy = new byte[Length];
                Buffer.BlockCopy(_bytes, 0, copy, 0, Length);
                return copy;
            }

            public void WriteTo(System.IO.Stream stream) => stream.Write(_bytes, 0, Length);

            private void Room(int more)
            {
                if (Length + more <= _bytes.Length) return;
                var grown = new byte[Math.Max(_bytes.Length * 2, Length + more)];
                Buffer.BlockCopy(_bytes, 0, grown, 0, Length);
                _bytes = grown;
            }

            /// <summary>An ASCII character (structure: braces, commas, spaces).</summary>
            public Utf8Writer Append(char c)
            {
                Room(1);
                _bytes[Length++] = (byte)c;
                return this;
            }

            /// <summary>ASCII text written as is (member names, keywords, indentation).</summary>
            public Utf8Writer Append(string ascii)
            {
                Room(ascii.Length);
                foreach (char c in ascii) _bytes[Length++] = (byte)c;
                return this;
            }

            /// <summary>s as a JSON string: quoted, escaped, non-ASCII as UTF-8.</summary>
            public Utf8Writer AppendString(string s)
            {
                Append('"');
                foreach (char c in s)
                {
                    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') { Append(c); continue; }
                    switch (c)
                    {
                        case '"': Append("\\\""); break;
                        case '\\': Append("\\\\"); break;
                        case '\n': Append("\\n"); break;
                        case '\r': Append("\\r"); break;
                        case '\t': Append("\\t"); break;
                        default:
                            if (c < 0x20 || char.IsSurrogate(c)) Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                            else
                            {
                                byte[] utf8 = Encoding.UTF8.GetBytes(c.ToString());
                                Room(utf8.Length);
                                Buffer.BlockCopy(utf8, 0, _bytes, Length, utf8.Length);
                                Length += utf8.Length;
                            }
                            break;
                    }
                }
                return Append('"');
            }

            /// <summary>A whole number in invariant digits.</summary>
            public Utf8Writer AppendNumber(long n)
            {
                Room(20);
                if (n < 0)
                {
                    if (n == long.MinValue) return Append("-9223372036854775808");
                    _bytes[Length++] = (byte)'-';
                    n = -n;
                }
                int digits = 1;
                for (long rest = n / 10; rest != 0; rest /= 10) digits++;
                int at = Length + digits;
                do { _bytes[--at] = (byte)('0' + n % 10); n /= 10; } while (n != 0);
                Length += digits;
                return this;
            }
        }

        /// <summary>A syntax error at a place in the text: what was wrong, and the line and column (1-based).</summary>
        internal sealed class JsonSyntaxException : FormatException
        {
            public JsonSyntaxException(string message, int line, int column) : base(message + " at line " + line + ", column " + column)
            {
                Line = line;
                Column = column;
            }

            public int Line { get; }
            public int Column { get; }
        }

        private sealed class Parser
        {
            private const int MaxDepth = 64;
            private readonly string _text;
            private readonly List<long> _numbers = new List<long>();

            public Parser(string text) => _text = text;

            public int Position;

            public JsonSyntaxException Error(string what)
            {
                int line = 1, column = 1;
                for (int i = 0; i < Position && i < _text.Length; i++)
                {
                    if (_text[i] == '\n') { line++; column = 1; }
                    else column++;
                }
                return new JsonSyntaxException(Position >= _text.Length ? what + " (the text ends too early: truncated?)" : what, line, column);
            }

            public void SkipSpace()
            {
                while (Position < _text.Length)
                {
                    char c = _text[Position];
                    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
                    Position++;
                }
            }

            public JsonNode Value(int depth)
            {
                if (depth > MaxDepth) throw Error("values nested more than " + MaxDepth + " deep");
                if (Position >= _text.Length) throw Error("a value is missing");
                char c = _text[Position];
                switch (c)
                {
                    case '{': return Object(depth);
                    case '[': return Array(depth);
                    case '"': return JsonNode.FromString(String());
                    case 't': Word("true"); return JsonNode.True;
                    case 'f': Word("false"); return JsonNode.False;
                    case 'n': Word("null"); return JsonNode.Null;
                    default:
                        if (c == '-' || (c >= '0' && c <= '9')) return JsonNode.FromNumber(Number());
                        throw Error("unexpected character '" + c + "'");
                }
            }

            private void Word(string word)
            {
                if (string.CompareOrdinal(_text, Position, word, 0, word.Length) != 0) throw Error("unexpected text (expected " + word + ")");
                Position += word.Length;
            }

            private void Expect(char c)
            {
                if (Position >= _text.Length || _text[Position] != c) throw Error("expected '" + c + "'");
                Position++;
            }

            private JsonNode Object(int depth)
            {
                Position++; // {
                var members = new List<KeyValuePair<string, JsonNode>>();
                SkipSpace();
                if (Position < _text.Length && _text[Position] == '}') { Position++; return JsonNode.FromMembers(members); }
                while (true)
                {
                    SkipSpace();
                    if (Position >= _text.Length || _text[Position] != '"') throw Error("expected a member name in quotes");
                    string name = String();
                    SkipSpace();
                    Expect(':');
                    SkipSpace();
                    members.Add(new KeyValuePair<string, JsonNode>(name, Value(depth + 1)));
                    SkipSpace();
                    if (Position < _text.Length && _text[Position] == ',') { Position++; continue; }
                    Expect('}');
                    return JsonNode.FromMembers(members);
                }
            }

            private JsonNode Array(int depth)
            {
                Position++; // [
                SkipSpace();
                if (Position < _text.Length && _text[Position] == ']') { Position++; return JsonNode.FromItems(new List<JsonNode>()); }
                // Numbers only (a histogram column) go into one long[]; the first other value switches to nodes.
                int start = _numbers.Count;
                List<JsonNode>? items = null;
                while (true)
                {
                    SkipSpace();
                    char c = Position < _text.Length ? _text[Position] : '\0';
                    if (items == null && (c == '-' || (c >= '0' && c <= '9'))) _numbers.Add(Number());
                    else
                    {
                        if (items == null)
                        {
                            items = new List<JsonNode>();
                            for (int i = start; i < _numbers.Count; i++) items.Add(JsonNode.FromNumber(_numbers[i]));
                            _numbers.RemoveRange(start, _numbers.Count - start);
                        }
                        items.Add(Value(depth + 1));
                    }
                    SkipSpace();
                    if (Position < _text.Length && _text[Position] == ',') { Position++; continue; }
                    Expect(']');
                    if (items != null) return JsonNode.FromItems(items);
                    var numbers = new long[_numbers.Count - start];
                    _numbers.CopyTo(start, numbers, 0, numbers.Length);
                    _numbers.RemoveRange(start, numbers.Length);
                    return JsonNode.FromNumbers(numbers);
                }
            }

            private long Number()
            {
                int start = Position;
                bool negative = false;
                if (_text[Position] == '-') { negative = true; Position++; }
                if (Position >= _text.Length || _text[Position] < '0' || _text[Position] > '9') throw Error("expected a digit");
                if (_text[Position] == '0' && Position + 1 < _text.Length && _text[Position + 1] >= '0' && _text[Position + 1] <= '9')
                    throw Error("a number with a leading zero");
                ulong value = 0;
                while (Position < _text.Length && _text[Position] >= '0' && _text[Position] <= '9')
                {
                    ulong digit = (ulong)(_text[Position] - '0');
                    if (value > (ulong.MaxValue - digit) / 10) { Position = start; throw Error("a number too large"); }
                    value = value * 10 + digit;
                    Position++;
                }
                if (Position < _text.Length && (_text[Position] == '.' || _text[Position] == 'e' || _text[Position] == 'E'))
                {
                    Position = start;
                    throw Error("a number that is not whole (only whole numbers are expected)");
                }
                if (negative ? value > 9223372036854775808UL : value > long.MaxValue) { Position = start; throw Error("a number too large"); }
                return negative ? (long)(0 - value) : (long)value;
            }

            private string String()
            {
                Position++; // opening quote
                var builder = new StringBuilder();
                while (true)
                {
                    if (Position >= _text.Length) throw Error("a string is not closed");
                    char c = _text[Position++];
                    if (c == '"') return builder.ToString();
                    if (c < 0x20) { Position--; throw Error("a control character in a string"); }
                    if (c != '\\') { builder.Append(c); continue; }
                    if (Position >= _text.Length) throw Error("a string is not closed");
                    char e = _text[Position++];
                    switch (e)
                    {
                        case '"': builder.Append('"'); break;
                        case '\\': builder.Append('\\'); break;
                        case '/': builder.Append('/'); break;
                        case 'b': builder.Append('\b'); break;
                        case 'f': builder.Append('\f'); break;
                        case 'n': builder.Append('\n'); break;
                        case 'r': builder.Append('\r'); break;
                        case 't': builder.Append('\t'); break;
                        case 'u':
                            if (Position + 4 > _text.Length) throw Error("a \\u escape is cut short");
                            int code = 0;
                            for (int i = 0; i < 4; i++)
                            {
                                int h = Hex(_text[Position + i]);
                                if (h < 0) throw Error("a \\u escape with a non-hex digit");
                                code = code * 16 + h;
                            }
                            Position += 4;
                            builder.Append((char)code);
                            break;
                        default:
                            Position--;
                            throw Error("an unknown escape \\" + e);
                    }
                }
            }

            private static int Hex(char c) =>
                c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        }
    }
}
