using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using ParallelJobs.Processes;

namespace ParallelJobs.Slurm
{
    /// <summary>
    /// Runs Slurm's client commands (sbatch, squeue, sacct, scontrol, scancel) and reads their answers. Every
    /// call is counted (<see cref="Calls"/>), since each one is work for slurmctld, which a whole site shares.
    /// </summary>
    internal sealed class SlurmClient
    {
        private static readonly char[] Space = { ' ' };

        private readonly IReadOnlyDictionary<string, string?> _environment;
        private readonly TimeSpan _callTimeout;
        private int _calls;

        /// <param name="environment">Added to the client commands' environment (e.g. SLURM_CONF); a null value removes a variable.</param>
        /// <param name="callTimeout">Longest wait for one client command (slurmctld retries for a while when it is unreachable).</param>
        public SlurmClient(IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? callTimeout = null)
        {
            _environment = environment ?? new Dictionary<string, string?>();
            _callTimeout = callTimeout ?? TimeSpan.FromSeconds(60);
        }

        /// <summary>How many client commands this client has run.</summary>
        public int Calls => Volatile.Read(ref _calls);

        /// <summary>Submits a batch script; returns the job id (for an array, the array's job id).</summary>
        /// <exception cref="SlurmException">sbatch failed; the message holds its error.</exception>
        public string Submit(IEnumerable<string> options, string script, IEnumerable<string> scriptArguments)
        {
            var args = new List<string> { "--parsable" };
            args.AddRange(options);
            args.Add(script);
            args.AddRange(scriptArguments);
            var r = Run("sbatch", args);
            if (r.ExitCode != 0) throw new SlurmException("sbatch", r);
            // --parsable prints "JOBID" or "JOBID;CLUSTER".
            string id = r.Output.Trim().Split(';')[0].Trim();
            if (id.Length == 0 || !id.All(char.IsDigit))
                throw new SlurmException($"sbatch printed '{r.Output.Trim()}' where a job id was expected.");
            return id;
        }

        /// <summary>
        /// The tasks Slurm still lists (pending, running, or ending) for the jobs with this name, one entry per
        /// task (squeue -r). An empty list when none is left.
        /// </summary>
        public IReadOnlyList<SlurmQueueEntry> Queue(string jobName)
        {
            var r = Run("squeue", new[] { "-h", "-r", "--name=" + jobName, "-o", "%F|%K|%A|%T|%N" });
            if (r.ExitCode != 0) throw new SlurmException("squeue", r);
            var entries = new List<SlurmQueueEntry>();
            foreach (var line in Lines(r.Output))
            {
                var f = line.Split('|');
                if (f.Length < 4) continue;
                entries.Add(new SlurmQueueEntry(f[0].Trim(), f[1].Trim(), f[2].Trim(), f[3].Trim(), f.Length > 4 ? f[4].Trim() : ""));
            }
            return entries;
        }

        /// <summary>
        /// How finished tasks ended, from the job completion records (sacct -c: jobcomp/filetxt, which needs no
        /// accounting database). Keys are the tasks' own job ids. Null when sacct -c cannot read them here.
        /// </summary>
        public Dictionary<string, SlurmFinalState>? CompletionRecords(IEnumerable<string> rawJobIds)
        {
            var ids = rawJobIds.Distinct().ToList();
            if (ids.Count == 0) return new Dictionary<string, SlurmFinalState>();
            var r = Run("sacct", new[] { "-c", "-n", "-P", "-j", string.Join(",", ids), "-o", "JobID,State,ExitCode,Start,End,NodeList" });
            if (r.ExitCode != 0) return null;
            var states = new Dictionary<string, SlurmFinalState>(StringComparer.Ordinal);
            foreach (var line in Lines(r.Output))
            {
                var f = line.Split('|');
                if (f.Length < 3) continue;
                var state = new SlurmFinalState(f[0].Trim(), f[1].Trim(), f[2].Trim(),
                    f.Length > 3 ? ParseSlurmTime(f[3]) : null, f.Length > 4 ? ParseSlurmTime(f[4]) : null, f.Length > 5 ? f[5].Trim() : null);
                states[state.JobId] = state; // a requeued job appears once per run; the last line is the latest
            }
            return states;
        }

        /// <summary>How one job (or every task of an array) ended, from slurmctld's memory (kept MinJobAge seconds).</summary>
        public Dictionary<string, SlurmFinalState> ShowJob(string jobId)
        {
            var r = Run("scontrol", new[] { "-o", "show", "job", jobId });
            var states = new Dictionary<string, SlurmFinalState>(StringComparer.Ordinal);
            if (r.ExitCode != 0) return states; // "Invalid job id specified": Slurm no longer knows it
            foreach (var line in Lines(r.Output))
            {
                var fields = ParseKeyValues(line);
                if (!fields.TryGetValue("JobId", out var id) || !fields.TryGetValue("JobState", out var jobState)) continue;
                fields.TryGetValue("ExitCode", out var exit);
                fields.TryGetValue("StartTime", out var start);
                fields.TryGetValue("EndTime", out var end);
                fields.TryGetValue("NodeList", out var nodes);
                states[id] = new SlurmFinalState(id, jobState, exit ?? "", ParseSlurmTime(start), ParseSlurmTime(end), nodes);
            }
            return states;
        }

        /// <summary>Cancels jobs (arrays: every task), or only their pending tasks.</summary>
        /// <exception cref="SlurmException">scancel failed for another reason than the jobs being over already.</exception>
        public void Cancel(IEnumerable<string> jobIds, bool pendingOnly = false)
        {
            var ids = jobIds.Distinct().ToList();
            if (ids.Count == 0) return;
            var args = new List<string>();
            if (pendingOnly) args.Add("--state=PENDING");
            args.AddRange(ids);
            var r = Run("scancel", args);
            // scancel fails for a job that already ended and was forgotten; that job is over, as asked.
            if (r.ExitCode != 0 && r.Error.IndexOf("Invalid job id", StringComparison.OrdinalIgnoreCase) < 0
                && r.Error.IndexOf("already completed", StringComparison.OrdinalIgnoreCase) < 0)
                throw new SlurmException("scancel", r);
        }

        /// <summary>Runs one client command with its output captured. Throws only when it cannot start or does not end in time.</summary>
        /// <exception cref="SlurmException">The command is not on PATH, or did not end within the call time-out.</exception>
        public SlurmCallOutput Run(string program, IEnumerable<string> arguments)
        {
            Interlocked.Increment(ref _calls);
            var args = arguments.ToList();
            var psi = new ProcessStartInfo(program, WindowsCommandLine.Join(args))
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
            };
            foreach (var pair in _environment)
            {
                if (pair.Value == null) psi.Environment.Remove(pair.Key);
                else psi.Environment[pair.Key] = pair.Value;
            }
            Process process;
            try { process = Process.Start(psi)!; }
            catch (Win32Exception e)
            {
                throw new SlurmException($"{program} could not be started ({e.Message}): the Slurm client commands must be on PATH.", e);
            }
            using (process)
            {
                process.StandardInput.Close();
                var output = process.StandardOutput.ReadToEndAsync();
                var error = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit((int)_callTimeout.TotalMilliseconds))
                {
                    try { process.Kill(); } catch (InvalidOperationException) { }
                    throw new SlurmException($"{program} {string.Join(" ", args)} did not answer within {_callTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (is slurmctld reachable?).");
                }
                process.WaitForExit();
                return new SlurmCallOutput(program, process.ExitCode, output.Result, error.Result);
            }
        }

        /// <summary>Slurm's times: local, "2026-12-03T08:39:19"; "Unknown" or "None" when not set.</summary>
        internal static DateTime? ParseSlurmTime(string? text)
        {
            if (text == null) return null;
            return DateTime.TryParseExact(text.Trim(), "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var t)
                ? t : (DateTime?)null;
        }

        /// <summary>scontrol -o output: space-separated Key=Value fields.</summary>
        internal static Dictionary<string, string> ParseKeyValues(string line)
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var token in line.Split(Space, StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = token.IndexOf('=');
                if (eq <= 0) continue;
                string key = token.Substring(0, eq);
                if (!fields.ContainsKey(key)) fields[key] = token.Substring(eq + 1);
            }
            return fields;
        }

        private static IEnumerable<string> Lines(string text) =>
            text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0);
    }
}
