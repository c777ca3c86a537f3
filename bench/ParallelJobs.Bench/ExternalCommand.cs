using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace ParallelJobs.Bench
{
    /// <summary>Runs an anchor tool (xargs, GNU parallel, python3, cat, FastQC, ...) and times it from the outside.</summary>
    internal static class ExternalCommand
    {
        public sealed class Outcome
        {
            public int ExitCode;
            public double Seconds;
            public string Stdout = "";
            public string Stderr = "";
            public bool Ok => ExitCode == 0;
        }

        /// <summary>True when <paramref name="program"/> is found on PATH (or is an existing path).</summary>
        public static string? Which(string program)
        {
            if (program.Contains('/')) return File.Exists(program) ? program : null;
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, program);
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        public static Outcome Shell(string commandLine, string? workingDirectory = null, IDictionary<string, string>? environment = null)
            => Run("/bin/sh", new[] { "-c", commandLine }, workingDirectory, environment);

        public static Outcome Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null, IDictionary<string, string>? environment = null)
        {
            var psi = new ProcessStartInfo(fileName)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var a in arguments) psi.ArgumentList.Add(a);
            if (workingDirectory != null) psi.WorkingDirectory = workingDirectory;
            if (environment != null) foreach (var kv in environment) psi.Environment[kv.Key] = kv.Value;
            var sw = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            Task.WaitAll(stdout, stderr);
            sw.Stop();
            return new Outcome { ExitCode = p.ExitCode, Seconds = sw.Elapsed.TotalSeconds, Stdout = stdout.Result, Stderr = stderr.Result };
        }

        /// <summary>Best (shortest) of <paramref name="repeats"/> runs; the noise on a shared machine only ever adds time.</summary>
        public static Outcome BestOf(int repeats, Func<Outcome> run)
        {
            Outcome? best = null;
            for (int i = 0; i < repeats; i++)
            {
                var o = run();
                if (!o.Ok) return o;
                if (best == null || o.Seconds < best.Seconds) best = o;
            }
            return best!;
        }
    }
}
