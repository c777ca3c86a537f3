using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using ParallelJobs.Scheduling;

namespace ParallelJobs.Commands
{
    /// <summary>How a pipeline object becomes the text of {}: a file or directory gives its full path.</summary>
    internal static class InputText
    {
        public static string? From(object? value)
        {
            if (value is PSObject pso) value = pso.BaseObject;
            switch (value)
            {
                case null: return null;
                case string s: return s;
                case FileSystemInfo f: return f.FullName;
                default: return LanguagePrimitives.ConvertTo<string>(value);
            }
        }

        /// <summary>
        /// The values one input gives a command: an array (or other list) gives {1} {2} … one per element; a
        /// hashtable or an object gives {Name} for each of <paramref name="names"/> it has (keys, properties);
        /// anything gives {} and {1} as its text. Null for no input.
        /// </summary>
        public static CommandInput? ToCommandInput(object? value, IReadOnlyList<string> names)
        {
            var pso = value as PSObject;
            object? baseObject = pso != null ? pso.BaseObject : value;
            switch (baseObject)
            {
                case null: return null;
                case string s: return names.Count == 0 ? CommandInput.Single(s) : CommandInput.Object(s, Named(pso, null, names));
                case IDictionary dictionary: return CommandInput.Object(From(value) ?? "", Named(null, dictionary, names));
                case IEnumerable list:
                    var values = new List<string?>();
                    foreach (var item in list) values.Add(From(item));
                    return CommandInput.Multiple(values);
                default:
                    return names.Count == 0 ? CommandInput.Single(From(value) ?? "") : CommandInput.Object(From(value) ?? "", Named(pso ?? PSObject.AsPSObject(baseObject), null, names));
            }
        }

        private static IEnumerable<KeyValuePair<string, string?>> Named(PSObject? pso, IDictionary? dictionary, IReadOnlyList<string> names)
        {
            foreach (var name in names)
            {
                if (dictionary != null)
                {
                    // Hashtable keys compare as PowerShell compares them (case-insensitive for @{} literals).
                    if (dictionary.Contains(name)) yield return new KeyValuePair<string, string?>(name, From(dictionary[name]));
                    continue;
                }
                var property = pso?.Properties[name];
                if (property == null) continue;
                object? v;
                try { v = property.Value; }
                catch (GetValueException) { continue; } // a property whose getter throws fills nothing
                yield return new KeyValuePair<string, string?>(name, From(v));
            }
        }
    }
}
