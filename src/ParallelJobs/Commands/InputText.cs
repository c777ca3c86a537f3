using System.IO;
using System.Management.Automation;

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
    }
}
