using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace ParallelJobs.Remote
{
    /// <summary>
    /// How the system's OpenSSH client is called: which program, a config file (ssh -F), and extra
    /// -o options. The project has no SSH code of its own; everything below is ssh's own options.
    /// </summary>
    internal sealed class SshSettings
    {
        private static readonly char[] KeySeparators = { '=', ' ', '\t' };

        /// <summary>The ssh client; found on PATH unless a path is given.</summary>
        public string Program { get; set; } = "ssh";
        /// <summary>Passed as ssh -F (null: ssh reads ~/.ssh/config and the system config as usual).</summary>
        public string? ConfigFile { get; set; }
        /// <summary>Each "Key=Value" becomes -o Key=Value, ahead of the project's own -o options, so the user's win (ssh keeps the first value it reads).</summary>
        public IList<string> Options { get; } = new List<string>();
        /// <summary>
        /// One connection per host, reused by every command (OpenSSH ControlMaster). Windows' OpenSSH client
        /// has no connection sharing, so there every command makes its own connection.
        /// </summary>
        public bool ShareConnections { get; set; } = !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        /// <summary>How long an idle shared connection stays open after the run stopped using it without closing it (a crash).</summary>
        public TimeSpan ControlPersist { get; set; } = TimeSpan.FromSeconds(60);
        /// <summary>ssh's ConnectTimeout: a host that does not answer fails within this time instead of hanging.</summary>
        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);
        /// <summary>Keep-alive probes (ServerAliveInterval, 3 missed probes end the connection), so a host that vanishes is noticed.</summary>
        public TimeSpan ServerAliveInterval { get; set; } = TimeSpan.FromSeconds(10);
        /// <summary>
        /// The PowerShell that runs the wrapper on a Windows host whose default shell is cmd.exe: Windows PowerShell
        /// 5.1 by name (every Windows since 10 and Server 2016 has it on PATH). Internal: the Windows lane points it
        /// at its own pwsh.exe, Wine having no powershell.exe.
        /// </summary>
        internal string WindowsPowerShell { get; set; } = WindowsRemoteWrapper.DefaultPowerShell;

        /// <summary>Refuses options that are not Key=Value (or Key Value), naming the bad one.</summary>
        internal void Validate()
        {
            if (string.IsNullOrWhiteSpace(Program)) throw new ArgumentException("The ssh program path is empty.");
            if (ConfigFile != null && ConfigFile.Trim().Length == 0) throw new ArgumentException("The SSH config file path is empty.");
            foreach (string? option in Options)
            {
                string text = option ?? "";
                string? problem = OptionProblem(text);
                if (problem != null) throw new ArgumentException($"SSH option '{text}' {problem}");
            }
        }

        private static string? OptionProblem(string option)
        {
            if (option.Trim().Length == 0) return "is empty; write Key=Value, as for ssh -o.";
            foreach (char c in option)
                if (char.IsControl(c)) return "holds a control character.";
            string trimmed = option.Trim();
            int split = trimmed.IndexOfAny(KeySeparators);
            if (split <= 0) return "is not of the form Key=Value (as for ssh -o).";
            string key = trimmed.Substring(0, split);
            foreach (char c in key)
                if (!(char.IsLetterOrDigit(c) && c < 128)) return $"has the key '{key}'; an ssh option name has letters and digits only.";
            if (trimmed.Substring(split + 1).Trim(' ', '\t', '=').Length == 0) return "has no value after its key.";
            return null;
        }
    }
}
