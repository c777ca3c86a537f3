using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Runtime.InteropServices;
using ParallelJobs.Processes;

namespace ParallelJobs.Scheduling
{
    /// <summary>
    /// One unit of work: a command line for the platform shell, or a program with its arguments, either
    /// possibly holding replacement tokens filled from an input value.
    /// </summary>
    internal sealed class CommandSpec
    {
        private readonly CommandTemplate? _shellCommand;
        private readonly CommandTemplate? _filePath;
        private readonly CommandTemplate[] _arguments = Array.Empty<CommandTemplate>();
        private readonly bool _appendInput;

        private CommandSpec(CommandTemplate shellCommand, CommandInput? input)
        {
            _shellCommand = shellCommand;
            _input = input;
            // As GNU parallel: a command without tokens gets the input appended (each value as one argument).
            _appendInput = input != null && !shellCommand.UsesInput(input);
        }

        private CommandSpec(string filePath, IEnumerable<string> arguments, CommandInput? input)
        {
            _filePath = new CommandTemplate(filePath);
            _arguments = arguments.Select(a => new CommandTemplate(a ?? "")).ToArray();
            _input = input;
            _appendInput = input != null && !_filePath.UsesInput(input) && !_arguments.Any(a => a.UsesInput(input));
        }

        private readonly CommandInput? _input;

        /// <summary>A command line run through /bin/sh -c (Unix) or cmd.exe /d /v:off /s /c (Windows).</summary>
        public static CommandSpec Shell(string commandLine, string? input = null) =>
            Shell(commandLine, input == null ? null : CommandInput.Single(input));

        /// <summary>A command line whose tokens are filled from an input of one or several values, or an object's.</summary>
        public static CommandSpec Shell(string commandLine, CommandInput? input)
        {
            if (commandLine == null) throw new ArgumentNullException(nameof(commandLine));
            if (commandLine.Trim().Length == 0) throw new ArgumentException("The command is empty.", nameof(commandLine));
            return new CommandSpec(new CommandTemplate(commandLine), input);
        }

        /// <summary>A program run directly, without a shell: each argument reaches it exactly as given.</summary>
        public static CommandSpec Program(string filePath, IEnumerable<string>? arguments = null, string? input = null) =>
            Program(filePath, arguments, input == null ? null : CommandInput.Single(input));

        /// <summary>A program whose arguments' tokens are filled from an input of one or several values, or an object's.</summary>
        public static CommandSpec Program(string filePath, IEnumerable<string>? arguments, CommandInput? input)
        {
            if (filePath == null) throw new ArgumentNullException(nameof(filePath));
            if (filePath.Trim().Length == 0) throw new ArgumentException("The program path is empty.", nameof(filePath));
            return new CommandSpec(filePath, arguments ?? Array.Empty<string>(), input);
        }

        /// <summary>The input's text (its values separated by spaces; null when the command came without one).</summary>
        public string? Input => _input?.Text;

        /// <summary>True when the command's text depends on the slot that runs it ({%}).</summary>
        public bool UsesSlot => _shellCommand != null ? _shellCommand.UsesSlot : _filePath!.UsesSlot || _arguments.Any(a => a.UsesSlot);

        /// <summary>The command as it will be shown before a slot is known ({%} unfilled).</summary>
        public string DisplayText => _shellCommand != null ? _shellCommand.Text : _filePath!.Text + (_arguments.Length > 0 ? " " + string.Join(" ", _arguments.Select(a => a.Text)) : "");

        /// <summary>The arguments cmd.exe gets before the command line: no AutoRun commands, no delayed (!) expansion, the line as written.</summary>
        internal const string CmdSwitches = "/d /v:off /s /c";

        /// <param name="posix">For a POSIX host whatever this machine is (a remote SSH host): /bin/sh and its quoting.</param>
        internal LaunchInfo Resolve(int index, int slot, bool posix = false) =>
            Resolve(index, slot, !posix && RuntimeInformation.IsOSPlatform(OSPlatform.Windows), Environment.GetEnvironmentVariable("ComSpec"));

        /// <summary>Resolves for Windows (cmd.exe at <paramref name="comspec"/>) or for /bin/sh, whatever this machine is.</summary>
        internal LaunchInfo Resolve(int index, int slot, bool windows, string? comspec)
        {
            comspec ??= "cmd.exe";
            if (_shellCommand != null)
            {
                if (windows)
                {
                    var inside = _shellCommand.ValueTokensInsideCmdQuotes(_input);
                    if (inside.Count > 0)
                        return LaunchInfo.Refuse(_shellCommand.Text, $"The command puts {string.Join(" ", inside)} inside its own double quotes; on Windows the module quotes each value for cmd.exe itself, and a value inside further quotes would be read by cmd as code. Remove the quotes around the token.");
                }
                Func<string, string> quote = windows ? WindowsCmdQuoter.Quote : PosixShellQuoter.Quote;
                string line;
                try
                {
                    line = _shellCommand.Expand(_input, index, slot, quote);
                    if (_appendInput) line += " " + string.Join(" ", _input!.Values.Select(quote));
                }
                catch (CmdValueRefusedException e)
                {
                    return LaunchInfo.Refuse(_shellCommand.Text, e.Message);
                }
                if (windows)
                    return new LaunchInfo(comspec, new[] { "/d", "/v:off", "/s", "/c", line }, CmdSwitches + " \"" + line + "\"", line);
                return new LaunchInfo("/bin/sh", new[] { "-c", line }, null, line);
            }

            var args = _arguments.Select(a => a.Expand(_input, index, slot, null)).ToList();
            if (_appendInput) args.AddRange(_input!.Values);
            string file = _filePath!.Expand(_input, index, slot, null);
            string display = args.Count == 0 ? file : file + " " + WindowsCommandLine.Join(args);
            if (windows && WindowsCmdQuoter.IsBatchFile(file))
            {
                // Windows runs a batch file through cmd.exe, which would read its arguments as code
                // (BatBadBut): each goes through the cmd quoter instead.
                string batchLine;
                try
                {
                    var sb = new StringBuilder(WindowsCmdQuoter.QuoteCommandName(file));
                    foreach (var a in args) sb.Append(' ').Append(WindowsCmdQuoter.Quote(a));
                    batchLine = sb.ToString();
                }
                catch (CmdValueRefusedException e)
                {
                    return LaunchInfo.Refuse(display, e.Message);
                }
                return new LaunchInfo(comspec, new[] { "/d", "/v:off", "/s", "/c", batchLine }, CmdSwitches + " \"" + batchLine + "\"", display);
            }
            return new LaunchInfo(file, args, null, display);
        }
    }
}
