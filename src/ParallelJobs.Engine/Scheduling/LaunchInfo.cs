using System;
using System.Collections.Generic;

namespace ParallelJobs.Scheduling
{
    /// <summary>A command resolved for one slot: the program, its arguments, and what to show users.</summary>
    internal sealed class LaunchInfo
    {
        public LaunchInfo(string fileName, IReadOnlyList<string> arguments, string? windowsArguments, string display)
        {
            FileName = fileName;
            Arguments = arguments;
            WindowsArguments = windowsArguments;
            Display = display;
        }

        public string FileName { get; }

        /// <summary>The arguments after the program name, each passed as one argument exactly.</summary>
        public IReadOnlyList<string> Arguments { get; }

        /// <summary>The argument string as cmd.exe must get it (its own quoting), or null to build it from <see cref="Arguments"/>.</summary>
        public string? WindowsArguments { get; }

        public string Display { get; }

        /// <summary>Set when the command must not start (a value cannot be passed safely): why, naming the value.</summary>
        public string? Refused { get; private set; }

        public static LaunchInfo Refuse(string display, string reason) => new LaunchInfo("", Array.Empty<string>(), null, display) { Refused = reason };
    }
}
