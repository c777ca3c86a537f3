using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ParallelJobs.Processes;

namespace ParallelJobs.Remote
{
    /// <summary>How a remote command's standard input is used.</summary>
    internal enum RemoteStdin
    {
        /// <summary>
        /// The command reads end of file at once (as a local command does); the SSH channel's input stays open
        /// as a lifeline instead. When it reaches end of file (the local side closed it to stop the command, or
        /// the channel went away) the wrapper stops the command's process group. No polling.
        /// </summary>
        Lifeline,
        /// <summary>
        /// The channel's input is the command's input. The wrapper then notices a lost channel by a heartbeat
        /// marker it writes to stderr every second (a write to a closed channel fails), and stops the group.
        /// </summary>
        Forward,
    }

    /// <summary>
    /// The remote command handed to ssh: a small POSIX sh script that runs the user's command in its own
    /// process group, reports the group's pid and the command's exit status as marker lines on stderr, and
    /// stops the whole group when the SSH channel goes away.
    ///
    /// Quoting: ssh sends one command string, which the remote login shell parses once. Every value here
    /// (script, nonce, working directory, environment, each word of the command) is quoted exactly once for
    /// that parse and arrives in the script as a positional parameter, never parsed again. The user's command
    /// line itself is then run by /bin/sh -c, as locally, so a value quoted into it by a replacement token
    /// is quoted once for that shell. The login shell must be a POSIX-family shell (sh, dash, bash, ksh, zsh).
    ///
    /// Markers are "\n" + nonce + " " + word(s) + "\n", each written by one write of a few bytes, so a
    /// concurrent write by the command cannot split one; the reader removes them whole, leading newline
    /// included, which leaves the command's own stderr bytes exactly as written (see RemoteMarkerFilter).
    /// </summary>
    internal static class RemoteWrapper
    {
        /// <summary>
        /// Positional parameters: nonce, mode (l or s), grace in tenths of a second, working directory (empty
        /// for the login directory), number of environment entries, the entries (+NAME=value sets, -NAME
        /// removes), then the command's argv.
        /// With perl on the host (Debian and Ubuntu always: perl-base is essential; nearly every other system),
        /// <see cref="Waiter"/> starts the group and reports the command's real wait status, so an exit with
        /// code 137 and a death by SIGKILL are told apart, as locally. Without perl, setsid (util-linux,
        /// busybox) starts the group, and the exit marker carries the shell's $?, where signal n reads as
        /// 128 + n; without either, the command runs without a group of its own and only it is signalled.
        /// The async child is not a group leader (no job control here), so setsid does not fork and $! is the
        /// group's leader (the waiter, with perl, whose child is the command). Until the child has made its group, the group does not
        /// exist yet: every signal goes to the group, or to the pid when there is no group (yet).
        /// </summary>
        /// <summary>
        /// The perl waiter (no single quotes: it sits in single quotes in <see cref="Script"/>). Arguments: the
        /// nonce, then the command's argv. It leads a new process group (the wrapper's "pid" marker names it),
        /// starts the command in it as its child, reports the child's pid ("cpid PID": a waiter is in use), ignores the polite stop signals (they are
        /// for the command; only SIGKILL of the group ends the waiter too), waits, and reports the raw status as
        /// "status CODE SIGNAL" before it exits with the shell's convention (128 + n for signal n). No module is
        /// loaded, so it starts in about a millisecond.
        /// </summary>
        internal const string Waiter =
            "setpgrp(0,0);$n=shift;$c=fork;" +
            "if(!defined $c){syswrite STDERR,\"$ARGV[0]: cannot fork: $!\\n\";exit 126}" +
            "if(!$c){exec {$ARGV[0]} @ARGV;syswrite STDERR,\"$ARGV[0]: $!\\n\";exit 127}" +
            "$SIG{$_}=\"IGNORE\" for qw(TERM INT HUP QUIT);" +
            "syswrite STDERR,\"\\n$n cpid $c\\n\";" +
            "waitpid($c,0);$s=$?;" +
            "syswrite STDERR,\"\\n$n status \".($s>>8).\" \".($s&127).\"\\n\";" +
            "exit(($s&127)?128+($s&127):$s>>8)";

        internal const string Script =
            // The wrapper's own variables are named __pj_*, a prefix no environment entry may use (CheckName), so the
            // entries exported here never replace them, and its expansions are quoted, so no IFS splits them.
            "__pj_n=$1 __pj_m=$2 __pj_g=$3 __pj_d=$4 __pj_e=$5\n" +
            "shift 5\n" +
            "while [ \"$__pj_e\" -gt 0 ]; do\n" +
            "  case $1 in +*) export \"${1#+}\" ;; *) unset \"${1#-}\" ;; esac\n" +
            "  shift; __pj_e=$((__pj_e-1))\n" +
            "done\n" +
            "__pj_waiter='" + Waiter + "'\n" +
            // "$1 $2", not "$*": an IFS from the entries would join the words with its first character.
            "k() { printf '\\n%s %s\\n' \"$__pj_n\" \"$1${2+ $2}\" >&2; }\n" +
            "if [ -n \"$__pj_d\" ]; then\n" +
            "  case $__pj_d in -*) __pj_d=./$__pj_d ;; esac\n" +
            "  CDPATH= cd \"$__pj_d\" 2>/dev/null || { k nodir; exit 126; }\n" +
            "fi\n" +
            "if command -v perl >/dev/null 2>&1; then __pj_s=2\n" +
            "elif command -v setsid >/dev/null 2>&1; then __pj_s=1\n" +
            "else __pj_s=0; fi\n" +
            "r() {\n" +
            "  case $__pj_s in\n" +
            "    1) exec setsid \"$@\" ;;\n" +
            "    2) exec perl -e \"$__pj_waiter\" \"$__pj_n\" \"$@\" ;;\n" +
            "    *) exec \"$@\" ;;\n" +
            "  esac\n" +
            "}\n" +
            "a() { kill -s \"$1\" -- \"-$__pj_p\" 2>/dev/null || kill -s \"$1\" \"$__pj_p\" 2>/dev/null; }\n" +
            "z() {\n" +
            "  a TERM; a CONT; __pj_i=0\n" +
            "  while [ \"$__pj_i\" -lt \"$__pj_g\" ] && a 0; do sleep 0.1 2>/dev/null || sleep 1; __pj_i=$((__pj_i+1)); done\n" +
            "  a KILL\n" +
            "}\n" +
            "exec 3<&0\n" +
            "if [ \"$__pj_m\" = s ]; then r \"$@\" <&3 3<&- & else r \"$@\" </dev/null 3<&- & fi\n" +
            "__pj_p=$!\n" +
            "k pid \"$__pj_p\"\n" +
            "if [ \"$__pj_m\" = s ]; then\n" +
            "  (trap '' PIPE HUP; while sleep 1 >/dev/null 2>&1; do k hb || break; done; z) 3<&- >/dev/null &\n" +
            "else\n" +
            "  (trap '' PIPE HUP; while read -r __pj_x; do :; done; z) <&3 >/dev/null 2>&1 &\n" +
            "fi\n" +
            "__pj_w=$!\n" +
            "exec 3<&-\n" +
            // dash reports a job that a signal ended ("Killed") on stderr when a function started it: not the command's.
            "wait \"$__pj_p\" 2>/dev/null\n" +
            "__pj_t=$?\n" +
            // Background processes left in the group keep the watcher: they are stopped if the channel goes away.
            "kill -s 0 -- \"-$__pj_p\" 2>/dev/null || kill \"$__pj_w\" 2>/dev/null\n" +
            "k exit \"$__pj_t\"\n" +
            "exit \"$__pj_t\"\n";

        /// <summary>A fresh marker prefix, unguessable enough that a command's own output never matches it.</summary>
        public static string NewNonce()
        {
            var bytes = new byte[12];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(bytes);
            var sb = new StringBuilder("PJ-");
            foreach (byte b in bytes) sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            return sb.ToString();
        }

        /// <summary>The command string for ssh (one argument after the host).</summary>
        /// <param name="argv">The program and its arguments on the remote host; a shell line is {"/bin/sh", "-c", line}.</param>
        public static string Command(string nonce, RemoteStdin stdin, TimeSpan grace, string? workingDirectory,
            IEnumerable<KeyValuePair<string, string?>> environment, IReadOnlyList<string> argv)
        {
            if (argv == null || argv.Count == 0) throw new ArgumentException("The remote command is empty.", nameof(argv));
            if (argv[0].Length == 0) throw new ArgumentException("The remote program name is empty.", nameof(argv));
            var words = new List<string>();
            foreach (var kv in environment)
            {
                CheckName(kv.Key);
                words.Add(kv.Value == null ? "-" + kv.Key : "+" + kv.Key + "=" + kv.Value);
            }
            int tenths = grace <= TimeSpan.Zero ? 0 : (int)Math.Min(int.MaxValue, Math.Ceiling(grace.TotalMilliseconds / 100));

            var sb = new StringBuilder(Script.Length + 256);
            sb.Append("exec /bin/sh -c ").Append(PosixShellQuoter.Quote(Script)).Append(" parallel-jobs");
            Append(sb, nonce);
            Append(sb, stdin == RemoteStdin.Forward ? "s" : "l");
            Append(sb, tenths.ToString(CultureInfo.InvariantCulture));
            Append(sb, workingDirectory ?? "");
            Append(sb, words.Count.ToString(CultureInfo.InvariantCulture));
            foreach (string w in words) Append(sb, w);
            foreach (string a in argv) Append(sb, a ?? "");
            return sb.ToString();
        }

        /// <summary>A shell command line as an argv for the wrapper: run by /bin/sh -c, as a local command is.</summary>
        public static IReadOnlyList<string> ShellLine(string line) => new[] { "/bin/sh", "-c", line };

        private static void Append(StringBuilder sb, string word) => sb.Append(' ').Append(PosixShellQuoter.Quote(word));

        /// <summary>The prefix of the wrapper's own shell variables, refused for environment entries.</summary>
        internal const string OwnPrefix = "__pj_";

        /// <summary>An environment variable name the remote shell can export: letters, digits and '_', not starting with a digit nor with <see cref="OwnPrefix"/>.</summary>
        internal static void CheckName(string name)
        {
            bool ok = !string.IsNullOrEmpty(name) && !(name[0] >= '0' && name[0] <= '9');
            if (ok)
            {
                foreach (char c in name)
                {
                    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) { ok = false; break; }
                }
            }
            if (!ok)
                throw new ArgumentException($"Environment variable name '{name}' cannot be set on a remote host: a name there has letters, digits and '_', and does not start with a digit.");
            if (name.StartsWith(OwnPrefix, StringComparison.Ordinal))
                throw new ArgumentException($"Environment variable name '{name}' cannot be set on a remote host: names starting with {OwnPrefix} are the remote wrapper's own.");
        }
    }
}
