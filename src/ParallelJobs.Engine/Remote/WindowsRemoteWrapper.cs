using System;
using System.Collections.Generic;
using System.Text;

namespace ParallelJobs.Remote
{
    /// <summary>The default shell of an SSH host, as the start-up check found it.</summary>
    internal enum RemoteShell
    {
        /// <summary>A POSIX shell (sh, dash, bash, ksh, zsh): the <see cref="RemoteWrapper"/> sh script runs there.</summary>
        Posix,
        /// <summary>Win32-OpenSSH's default: sshd runs <c>cmd.exe /c command</c>.</summary>
        WindowsCmd,
        /// <summary>Win32-OpenSSH with DefaultShell set to Windows PowerShell or PowerShell 7: sshd runs <c>shell -c command</c>.</summary>
        WindowsPowerShell,
    }

    /// <summary>
    /// The remote command for a Windows host (Win32-OpenSSH): a PowerShell script that does what the POSIX wrapper
    /// does, with the same marker protocol on stderr (see <see cref="RemoteMarkerFilter"/>), so results carry the
    /// remote ProcessId and ExitCode as they do from a POSIX host.
    ///
    /// The script sets the environment entries and working directory (reporting "nodir" when the directory is
    /// missing), starts the command with stdout and stderr inherited (the command writes straight into the SSH
    /// channel; nothing is copied or re-encoded), reports "pid", waits, and reports "status CODE 0" and "exit CODE"
    /// with the exact 32-bit exit code from Process.ExitCode (Windows has no signals: NTSTATUS codes such as
    /// 0xC0000005 come as the negative number .NET gives, as a local command's do). In lifeline mode the command's
    /// stdin is an empty pipe (end of file at once, as locally) and the script reads its own stdin, the SSH channel:
    /// at end of file (the local side stopped the command, or the channel went away) it kills the command and exits.
    ///
    /// Why no job object of our own: Win32-OpenSSH (since 7.7, 2018) starts a session's first process, the default
    /// shell, in a job object with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE whose only handle that process holds
    /// (Win32-OpenSSH issues #1195, #2452). The shell ends as soon as this script ends (cmd.exe /c waits for it; a
    /// PowerShell default shell runs it in-process), which closes the job and kills everything the command started.
    /// What Win32-OpenSSH does not do without a pty is end the session when the channel goes away (issue #1751):
    /// that is the script's read of its stdin. A job of its own would need Add-Type, which on Windows PowerShell 5.1
    /// compiles C# with csc.exe on every command (a separate process and a compilation, per command; see
    /// docs/remote-execution.md), and would add nothing the session's job does not already do.
    ///
    /// Quoting: every value (program, argument string, working directory, environment) goes into the script as
    /// base64 of its UTF-8 bytes, decoded there, so nothing in it is ever parsed as PowerShell; the script goes to
    /// the host as base64 too (UTF-16LE for -EncodedCommand), so the command string holds only letters, digits,
    /// '+', '/', '=', '-', spaces and, for a PowerShell default shell, parentheses, '[', ']', ':', '.', '&amp;' and two
    /// single quotes: nothing cmd.exe or PowerShell expands. The program's own command line (cmd.exe's for a shell
    /// line, quoted by <see cref="Processes.WindowsCmdQuoter"/>; a program's, joined by
    /// <see cref="Processes.WindowsCommandLine"/>) is made by the caller exactly as for a local Windows command.
    /// </summary>
    internal static class WindowsRemoteWrapper
    {
        /// <summary>The PowerShell that runs the script under a cmd.exe default shell: Windows PowerShell 5.1, on every Windows since 10 and Server 2016.</summary>
        internal const string DefaultPowerShell = "powershell.exe";

        /// <summary>cmd.exe takes a command line of at most 8191 characters; a longer command is refused before it starts.</summary>
        internal const int MaxCommandLength = 8191;

        private static readonly char[] Blanks = { ' ', '\t', '\r', '\n' };
        private static readonly char[] ShellCharacters = { ' ', '\t', '"', '\'', '%', '&', '^', '|', '<', '>', '(', ')', '$', '`', ';' };

        /// <summary>
        /// The script; {N} is the nonce, {F} the program, {A} its argument string, {D} the working directory (each
        /// base64 of UTF-8), {L} $true for lifeline mode, {E} the environment lines. PowerShell 2.0 syntax only.
        /// </summary>
        internal const string Script =
            "$ErrorActionPreference='Stop'\n" +
            "$n='{N}'\n" +
            "$o=[Console]::OpenStandardError()\n" +
            // One write per marker, so a concurrent write by the command cannot split it.
            "function k($t){$b=[Text.Encoding]::ASCII.GetBytes(\"`n$n $t`n\");$o.Write($b,0,$b.Length);$o.Flush()}\n" +
            "function d($t){[Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($t))}\n" +
            "$s=New-Object Diagnostics.ProcessStartInfo\n" +
            "$s.UseShellExecute=$false\n" +
            "$s.FileName=d '{F}'\n" +
            "$s.Arguments=d '{A}'\n" +
            // cmd.exe by name would be looked up in the working directory before System32.
            "if($s.FileName -eq 'cmd.exe' -and $env:ComSpec){$s.FileName=$env:ComSpec}\n" +
            "$w=d '{D}'\n" +
            "if($w){if(-not [IO.Directory]::Exists($w)){k nodir;exit 126};$s.WorkingDirectory=[IO.Path]::GetFullPath($w)}\n" +
            "$v=$s.EnvironmentVariables\n" +
            "{E}" +
            "$l={L}\n" +
            "$s.RedirectStandardInput=$l\n" +
            "try{$p=[Diagnostics.Process]::Start($s)}catch{" +
            "$m=[Text.Encoding]::UTF8.GetBytes($s.FileName+': '+$_.Exception.GetBaseException().Message+\"`n\");$o.Write($m,0,$m.Length);" +
            "k 'status 127 0';k 'exit 127';exit 127}\n" +
            "k \"pid $($p.Id)\"\n" +
            "if($l){\n" +
            " $p.StandardInput.Close()\n" +
            // The process's handle as a WaitHandle, so one wait covers both ends: the command's and the channel's.
            " $h=New-Object Threading.ManualResetEvent $false\n" +
            " $h.SafeWaitHandle=New-Object Microsoft.Win32.SafeHandles.SafeWaitHandle $p.Handle,$false\n" +
            " $i=[Console]::OpenStandardInput();$x=New-Object byte[] 512\n" +
            // The read's wait handle through IAsyncResult's own property: the IAsyncResult BeginRead gives is a Task,
            // which implements AsyncWaitHandle explicitly, and Windows PowerShell does not see explicit members.
            " $a=[IAsyncResult].GetProperty('AsyncWaitHandle')\n" +
            " while($true){\n" +
            "  $r=$i.BeginRead($x,0,512,$null,$null)\n" +
            "  if([Threading.WaitHandle]::WaitAny(@($h,$a.GetValue($r,$null))) -eq 0){break}\n" +
            "  if($i.EndRead($r) -le 0){try{$p.Kill()}catch{};break}\n" +
            " }\n" +
            "}\n" +
            "$p.WaitForExit()\n" +
            "$c=$p.ExitCode\n" +
            "k \"status $c 0\";k \"exit $c\"\n" +
            "exit $c\n";

        /// <summary>The script for one command, before encoding.</summary>
        public static string ScriptFor(string nonce, RemoteStdin stdin, string? workingDirectory,
            IEnumerable<KeyValuePair<string, string?>> environment, string fileName, string arguments)
        {
            if (string.IsNullOrEmpty(fileName)) throw new ArgumentException("The remote program name is empty.", nameof(fileName));
            CheckNonce(nonce);
            var env = new StringBuilder();
            foreach (var kv in environment)
            {
                RemoteWrapper.CheckName(kv.Key);
                if (kv.Value == null) env.Append("$v.Remove((d '").Append(Utf8Base64(kv.Key)).Append("'))\n");
                else
                {
                    if (kv.Value.IndexOf('\0') >= 0)
                        throw new ArgumentException($"The value of environment variable '{kv.Key}' holds a NUL character, which a Windows environment cannot carry.");
                    env.Append("$v[(d '").Append(Utf8Base64(kv.Key)).Append("')]=d '").Append(Utf8Base64(kv.Value)).Append("'\n");
                }
            }
            return Script
                .Replace("{N}", nonce)
                .Replace("{F}", Utf8Base64(fileName))
                .Replace("{A}", Utf8Base64(arguments ?? ""))
                .Replace("{D}", Utf8Base64(workingDirectory ?? ""))
                .Replace("{L}", stdin == RemoteStdin.Lifeline ? "$true" : "$false")
                .Replace("{E}", env.ToString());
        }

        /// <summary>
        /// The command string for ssh: under cmd.exe, PowerShell started with the script as -EncodedCommand; under a
        /// PowerShell default shell, the script run in that PowerShell itself (a nested powershell.exe would have its
        /// stderr turned into error records by Windows PowerShell, markers included, and cost a second start-up).
        /// </summary>
        public static string Command(RemoteShell shell, string script, string powerShell = DefaultPowerShell)
        {
            string command;
            switch (shell)
            {
                case RemoteShell.WindowsCmd:
                    CheckPowerShellPath(powerShell);
                    command = powerShell + " -NoProfile -NonInteractive -EncodedCommand " + Convert.ToBase64String(Encoding.Unicode.GetBytes(script));
                    break;
                case RemoteShell.WindowsPowerShell:
                    command = "& ([scriptblock]::Create([Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('" +
                              Convert.ToBase64String(Encoding.Unicode.GetBytes(script)) + "'))))";
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(shell), shell, "Not a Windows shell.");
            }
            if (command.Length > MaxCommandLength)
                throw new ArgumentException($"The command for a Windows host would be {command.Length} characters long (the script and its values as base64), more than the {MaxCommandLength} cmd.exe takes; shorten the command line or its environment.");
            return command;
        }

        /// <summary>
        /// The start-up check's shell probe: cmd.exe answers "NONCE Windows_NT $env:OS" on one line, PowerShell
        /// "NONCE", "%OS%", "Windows_NT" on three, a POSIX shell something else ("NONCE %OS% :OS").
        /// </summary>
        public static string ShellProbe(string nonce)
        {
            CheckNonce(nonce);
            return "echo " + nonce + " %OS% $env:OS";
        }

        /// <summary>Which Windows shell answered the probe, from its stdout; null when neither did.</summary>
        public static RemoteShell? ShellFromProbe(string nonce, string stdout)
        {
            var words = stdout.Split(Blanks, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length != 3 || words[0] != nonce) return null;
            if (words[1] == "%OS%" && words[2].Length > 0 && words[2] != "$env:OS" && words[2] != ":OS") return RemoteShell.WindowsPowerShell;
            if (words[1] != "%OS%" && words[2] == "$env:OS") return RemoteShell.WindowsCmd;
            return null;
        }

        /// <summary>The check's command: the number of processors, through the whole wrapper.</summary>
        public static (string FileName, string Arguments) ProcessorCount => ("cmd.exe", "/d /c echo %NUMBER_OF_PROCESSORS%");

        private static string Utf8Base64(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));

        private static void CheckNonce(string nonce)
        {
            foreach (char c in nonce ?? "")
            {
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
                    throw new ArgumentException("A marker nonce has letters, digits and '-' only.", nameof(nonce));
            }
        }

        private static void CheckPowerShellPath(string path)
        {
            if (string.IsNullOrEmpty(path) || path.IndexOfAny(ShellCharacters) >= 0)
                throw new ArgumentException($"The PowerShell for Windows hosts '{path}' must be a name or path without spaces or shell characters.", nameof(path));
        }
    }
}
