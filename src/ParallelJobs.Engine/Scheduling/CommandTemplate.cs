using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace ParallelJobs.Scheduling
{
    /// <summary>
    /// A command line or argument with GNU-parallel replacement tokens: {} the input, {.} without
    /// extension, {/} file name, {//} directory, {/.} file name without extension, {#} sequence number
    /// (1-based), {%} slot number (1-based); {1} {2} … the input's values by position and {Name} an object's
    /// property, each with the same path forms ({1.} {1/} {1//} {1/.}, {Name.} …). Values can be passed through
    /// a quoter (for the shell), each value on its own.
    /// </summary>
    internal sealed class CommandTemplate
    {
        private enum Kind { Literal, All, Position, Name, Sequence, Slot }
        private enum Form { Whole, NoExtension, FileName, Directory, FileNameNoExtension }

        private sealed class Part
        {
            public Kind Kind;
            public string Text = "";
            public int Position;
            public Form Form;
        }

        // Longest first, so "//" is not read as "/" followed by text.
        private static readonly KeyValuePair<string, Form>[] Forms =
        {
            new KeyValuePair<string, Form>("//", Form.Directory),
            new KeyValuePair<string, Form>("/.", Form.FileNameNoExtension),
            new KeyValuePair<string, Form>("/", Form.FileName),
            new KeyValuePair<string, Form>(".", Form.NoExtension),
            new KeyValuePair<string, Form>("", Form.Whole),
        };

        private readonly Part[] _parts;

        public CommandTemplate(string text)
        {
            Text = text ?? throw new ArgumentNullException(nameof(text));
            _parts = Parse(text);
            HasTokens = _parts.Any(p => p.Kind != Kind.Literal && p.Kind != Kind.Name);
            UsesSlot = _parts.Any(p => p.Kind == Kind.Slot);
            Names = _parts.Where(p => p.Kind == Kind.Name).Select(p => p.Text).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        }

        public string Text { get; }
        /// <summary>True when the text holds at least one token that every input fills ({Name} tokens aside: see <see cref="UsesInput"/>).</summary>
        public bool HasTokens { get; }
        /// <summary>True when the text holds {%}, so its expansion depends on the slot.</summary>
        public bool UsesSlot { get; }
        /// <summary>The names of the {Name} tokens, as written: the properties a caller should take from an object.</summary>
        public IReadOnlyList<string> Names { get; }

        /// <summary>True when some token of the text is filled from this input (a {Name} only when the input has that name).</summary>
        public bool UsesInput(CommandInput? input) =>
            HasTokens || (input != null && _parts.Any(p => p.Kind == Kind.Name && input.Named.ContainsKey(p.Text)));

        /// <summary>The names the {Name} tokens of these texts refer to (for taking an object's properties once per object).</summary>
        public static IReadOnlyList<string> NamesIn(IEnumerable<string> texts) =>
            texts.Where(t => t != null).SelectMany(t => new CommandTemplate(t).Names).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

        /// <summary>Fills the tokens from a single value (the input's only value).</summary>
        public string Expand(string? input, int index, int slot, Func<string, string>? quote) =>
            Expand(input == null ? null : CommandInput.Single(input), index, slot, quote);

        /// <summary>
        /// Fills the tokens. <paramref name="quote"/> is applied to input-derived values only, to each value on its
        /// own ({} of several values is each of them quoted, separated by spaces). A position past the input's
        /// values is empty (as GNU parallel); a {Name} the input does not have, or one right after '$' (the shell's
        /// ${NAME}), stays as written.
        /// </summary>
        public string Expand(CommandInput? input, int index, int slot, Func<string, string>? quote)
        {
            if (_parts.Length == 1 && _parts[0].Kind == Kind.Literal) return Text;
            string Q(string v) => quote == null ? v : quote(v);
            var values = input?.Values ?? new[] { "" };
            var sb = new StringBuilder(Text.Length + (input?.Text.Length ?? 0) * 2);
            foreach (var p in _parts)
            {
                switch (p.Kind)
                {
                    case Kind.Literal:
                        sb.Append(p.Text);
                        break;
                    case Kind.All:
                        for (int v = 0; v < values.Count; v++)
                        {
                            if (v > 0) sb.Append(' ');
                            sb.Append(Q(Apply(p.Form, values[v])));
                        }
                        break;
                    case Kind.Position:
                        sb.Append(Q(Apply(p.Form, p.Position <= values.Count ? values[p.Position - 1] : "")));
                        break;
                    case Kind.Name:
                        if (input != null && input.Named.TryGetValue(p.Text, out var named)) sb.Append(Q(Apply(p.Form, named)));
                        else sb.Append('{').Append(p.Text).Append(FormText(p.Form)).Append('}');
                        break;
                    case Kind.Sequence:
                        sb.Append((index + 1).ToString(CultureInfo.InvariantCulture));
                        break;
                    case Kind.Slot:
                        // A slot not known yet (a dry run beyond the first commands) leaves the token as written.
                        if (slot < 0) sb.Append("{%}");
                        else sb.Append((slot + 1).ToString(CultureInfo.InvariantCulture));
                        break;
                }
            }
            return sb.ToString();
        }

        /// <summary>
        /// The value tokens (filled from this input) that the text puts inside its own double quotes, in
        /// cmd.exe's reading: a value there would sit outside the cmd quoter's quotes.
        /// </summary>
        public IReadOnlyList<string> ValueTokensInsideCmdQuotes(CommandInput? input)
        {
            var found = new List<string>();
            bool quoted = false;
            foreach (var p in _parts)
            {
                if (p.Kind == Kind.Literal)
                {
                    quoted = Processes.WindowsCmdQuoter.QuotedAfter(p.Text, quoted);
                    continue;
                }
                bool value = p.Kind == Kind.All || p.Kind == Kind.Position || (p.Kind == Kind.Name && input != null && input.Named.ContainsKey(p.Text));
                if (!value || !quoted) continue;
                string shown = "{" + (p.Kind == Kind.Position ? p.Position.ToString(CultureInfo.InvariantCulture) : p.Kind == Kind.Name ? p.Text : "") + FormText(p.Form) + "}";
                if (!found.Contains(shown)) found.Add(shown);
            }
            return found;
        }

        private static Part[] Parse(string text)
        {
            var parts = new List<Part>();
            var literal = new StringBuilder();
            int i = 0;
            while (i < text.Length)
            {
                if (text[i] == '{')
                {
                    int close = text.IndexOf('}', i + 1);
                    var token = close < 0 ? null : Token(text.Substring(i + 1, close - i - 1), i > 0 && text[i - 1] == '$');
                    if (token != null)
                    {
                        if (literal.Length > 0) parts.Add(new Part { Kind = Kind.Literal, Text = literal.ToString() });
                        literal.Clear();
                        parts.Add(token);
                        i = close + 1;
                        continue;
                    }
                }
                literal.Append(text[i]);
                i++;
            }
            if (literal.Length > 0 || parts.Count == 0) parts.Add(new Part { Kind = Kind.Literal, Text = literal.ToString() });
            return parts.ToArray();
        }

        /// <summary>The token between braces, or null when it is not one (then the braces are plain text).</summary>
        private static Part? Token(string inner, bool afterDollar)
        {
            if (inner == "#") return new Part { Kind = Kind.Sequence };
            if (inner == "%") return new Part { Kind = Kind.Slot };
            foreach (var f in Forms)
            {
                if (!inner.EndsWith(f.Key, StringComparison.Ordinal)) continue;
                string head = inner.Substring(0, inner.Length - f.Key.Length);
                if (head.Length == 0) return new Part { Kind = Kind.All, Form = f.Value };
                if (head.All(c => c >= '0' && c <= '9'))
                {
                    if (head[0] == '0' || head.Length > 9) return null; // {0} is no position, as in GNU parallel
                    return new Part { Kind = Kind.Position, Position = int.Parse(head, CultureInfo.InvariantCulture), Form = f.Value };
                }
                if (!afterDollar && IsName(head)) return new Part { Kind = Kind.Name, Text = head, Form = f.Value };
            }
            return null;
        }

        private static bool IsName(string s)
        {
            if (s.Length == 0 || !(char.IsLetter(s[0]) || s[0] == '_')) return false;
            foreach (char c in s) if (!(char.IsLetterOrDigit(c) || c == '_')) return false;
            return true;
        }

        private static string FormText(Form form) => Forms.First(f => f.Value == form).Key;

        private static string Apply(Form form, string value) => form switch
        {
            Form.NoExtension => WithoutExtension(value),
            Form.FileName => Path.GetFileName(TrimSep(value)),
            Form.Directory => DirectoryOf(value),
            Form.FileNameNoExtension => Path.GetFileNameWithoutExtension(TrimSep(value)),
            _ => value,
        };

        private static string TrimSep(string v) => v.Length > 1 ? v.TrimEnd('/', Path.DirectorySeparatorChar) : v;

        private static string DirectoryOf(string v)
        {
            // GNU parallel: {//} of a bare file name is "."
            string trimmed = TrimSep(v);
            int cut = trimmed.LastIndexOfAny(new[] { '/', Path.DirectorySeparatorChar });
            if (cut < 0) return ".";
            if (cut == 0) return trimmed.Substring(0, 1);
            return trimmed.Substring(0, cut);
        }

        private static string WithoutExtension(string v)
        {
            int slash = v.LastIndexOfAny(new[] { '/', Path.DirectorySeparatorChar });
            int dot = v.LastIndexOf('.');
            // Only a dot inside the last path segment, and not its first character (.bashrc keeps its name).
            if (dot > slash + 1) return v.Substring(0, dot);
            return v;
        }
    }
}
