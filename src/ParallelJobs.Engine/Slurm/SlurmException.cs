using System;

namespace ParallelJobs.Slurm
{
    /// <summary>A Slurm client command failed, could not start, or did not answer; the message says which and why.</summary>
    internal sealed class SlurmException : Exception
    {
        public SlurmException(string message) : base(message) { }
        public SlurmException(string message, Exception inner) : base(message, inner) { }

        public SlurmException(string program, SlurmCallOutput output)
            : base($"{program} failed (exit code {output.ExitCode}): {FirstLines(output.Error.Length > 0 ? output.Error : output.Output)}") { }

        private static string FirstLines(string text)
        {
            text = text.Trim();
            return text.Length == 0 ? "no message" : text.Length > 500 ? text.Substring(0, 500) + "…" : text;
        }
    }
}
