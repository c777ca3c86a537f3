using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Pipes;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace ParallelJobs.Processes
{
    /// <summary>
    /// Starts commands with .NET's Process: on Windows (each in a job object, see <see cref="WindowsJob"/>),
    /// and on Unix where <see cref="PosixSpawnLauncher"/> cannot work. The runtime reaps the child and reports a death by signal n as exit code 128 + n, so
    /// the signal is not known here; the child shares this process's process group.
    /// </summary>
    internal sealed class DotNetProcessLauncher : IProcessLauncher
    {
        private static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>The exit code a command killed with its job gets on Windows (1, as Process.Kill gives).</summary>
        internal const uint TerminatedExitCode = 1;

        public ILaunchedProcess Start(ProcessStartRequest request)
        {
            string file = request.FileName;
            string? dir = request.WorkingDirectory;
            if (dir != null && !Directory.Exists(dir))
                throw new ProcessStartException($"Cannot start '{MessageText.Shorten(file)}': working directory '{MessageText.Shorten(dir)}' does not exist.");

            var psi = new ProcessStartInfo(file, request.WindowsArguments ?? WindowsCommandLine.Join(request.Arguments))
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
            };
            if (dir != null) psi.WorkingDirectory = dir;
            foreach (var kv in request.Environment)
            {
                if (kv.Value == null) psi.Environment.Remove(kv.Key);
                else psi.Environment[kv.Key] = kv.Value;
            }

            var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
            var exited = new TaskCompletionSource<ProcessExit>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.Exited += (_, __) =>
            {
                ProcessExit exit;
                try
                {
                    int code = process.ExitCode;
                    exit = IsWindows ? ProcessExit.Exited(code) : ProcessExit.Reported(code);
                }
                catch (InvalidOperationException) { exit = ProcessExit.Unknown; }
                exited.TrySetResult(exit);
            };
            try
            {
                process.Start();
            }
            catch (Exception e) when (e is Win32Exception || e is InvalidOperationException || e is IOException || e is UnauthorizedAccessException || e is PlatformNotSupportedException)
            {
                process.Dispose();
                throw new ProcessStartException($"Cannot start '{MessageText.Shorten(file)}': {MessageText.Shorten(e.Message, 2 * MessageText.DefaultLimit)}", e);
            }
            var job = IsWindows ? JoinJob(process) : null;
            try { process.StandardInput.Close(); } catch (IOException) { /* already gone */ }
            return new StartedProcess(process, exited.Task, job);
        }

        /// <summary>
        /// Windows: puts the started process into a job object of its own, so its whole tree is killed as one
        /// (see <see cref="WindowsJob"/>). It is assigned right after CreateProcess returns, before the
        /// program can have started a child of its own in practice. Null when Windows refuses (a job that
        /// forbids nesting); the tree is then stopped by walking it (Process.Kill(true), or Kill() in the
        /// netstandard2.0 build).
        /// </summary>
        private static WindowsJob? JoinJob(Process process)
        {
            WindowsJob? job = null;
            try
            {
                job = WindowsJob.Create();
                if (job.TryAssign(process.Handle, out _)) return job;
            }
            catch (Exception e) when (e is Win32Exception || e is InvalidOperationException || e is EntryPointNotFoundException || e is DllNotFoundException) { }
            job?.Dispose();
            return null;
        }

        private sealed class StartedProcess : ILaunchedProcess
        {
            private readonly Process _process;
            private readonly WindowsJob? _job;
            private readonly string[] _pipeLinks;
            private int _disposed;

            public StartedProcess(Process process, Task<ProcessExit> exited, WindowsJob? job)
            {
                _process = process;
                _job = job;
                Exited = exited;
                Id = process.Id;
                StandardOutput = process.StandardOutput.BaseStream;
                StandardError = process.StandardError.BaseStream;
                _pipeLinks = PipeLinks(StandardOutput, StandardError);
            }

            public int Id { get; }
            public Stream StandardOutput { get; }
            public Stream StandardError { get; }
            public Task<ProcessExit> Exited { get; }

            /// <summary>The "pipe:[inode]" names of the output pipes (Linux), to find processes still writing to them.</summary>
            private static string[] PipeLinks(params Stream[] streams)
            {
                if (!ProcFs.Available) return Array.Empty<string>();
                var links = new List<string>(2);
                foreach (var s in streams)
                {
                    if (!(s is PipeStream pipe)) continue;
                    var fd = pipe.SafePipeHandle.DangerousGetHandle().ToInt64();
                    var link = UnixNative.TryReadLink("/proc/self/fd/" + fd.ToString(CultureInfo.InvariantCulture));
                    if (link != null && link.StartsWith("pipe:", StringComparison.Ordinal)) links.Add(link);
                }
                return links.ToArray();
            }

            public void Stop(TimeSpan grace)
            {
                if (_job != null)
                {
                    // Windows has no polite stop for a program without a console of its own: the whole
                    // job, whatever it started meanwhile included, is killed at once.
                    _job.Terminate(TerminatedExitCode);
                    return;
                }
                if (Volatile.Read(ref _disposed) == 0)
                {
                    try
                    {
                        ProcessTreeKiller.Stop(_process, grace, _pipeLinks);
                        return;
                    }
                    catch (InvalidOperationException) { } // ObjectDisposedException included: disposed meanwhile
                }
                // Disposed: only the pipes still lead to what it left running.
                if (_pipeLinks.Length > 0) ProcessTreeKiller.StopLinux(null, null, null, _pipeLinks, grace);
            }

            public bool AbandonOutput() => false;

            public IReadOnlyList<int> OutputHolders()
            {
                if (_job != null) return _job.ProcessIds().Where(p => p != Id).OrderBy(p => p).ToArray();
                if (_pipeLinks.Length == 0) return Array.Empty<int>();
                return ProcFs.HoldersOf(_pipeLinks, ProcFs.Snapshot()).Select(p => p.Pid).Where(p => p != Id).OrderBy(p => p).ToArray();
            }

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
                _process.Dispose();
                _job?.Release();
            }
        }
    }
}
