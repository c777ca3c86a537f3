using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Pipes;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Win32.SafeHandles;

namespace ParallelJobs.Processes
{
    /// <summary>
    /// Starts commands on Linux and macOS with posix_spawn, so that this process — not the .NET runtime —
    /// waits for them, and so reads their true wait status: an exit with code 137 and a death by SIGKILL
    /// are different things. Each command gets its own process group (as GNU parallel's jobs do), so a
    /// Ctrl+C typed in the terminal reaches PowerShell alone and the run does the stopping; its signal
    /// mask is empty and every signal has its default action, whatever this process blocks or ignores
    /// (.NET ignores SIGPIPE, for one). stdin is /dev/null; stdout and stderr are pipes.
    /// </summary>
    /// <remarks>
    /// The runtime reaps only the children it started with Process.Start, by PID, unless it is PID 1 or
    /// SIGCHLD was ignored when it started: then it reaps every child, and <see cref="TryCreate"/> declines.
    /// </remarks>
    internal sealed unsafe class PosixSpawnLauncher : IProcessLauncher
    {
        private static readonly char[] Blanks = { ' ', '\t' };

        private static readonly byte[] DevNull = UnixNative.Utf8z("/dev/null");

        private PosixSpawnLauncher() { }

        /// <summary>The launcher, or null (with the reason) where it cannot work: Windows, other systems, a libc without posix_spawn_file_actions_addchdir_np, or a runtime that reaps every child.</summary>
        public static PosixSpawnLauncher? TryCreate(out string? reason)
        {
            if (!UnixNative.IsLinux && !UnixNative.IsMacOS)
            {
                reason = "posix_spawn is used on Linux and macOS only.";
                return null;
            }
            try
            {
                Marshal.PrelinkAll(typeof(UnixNative));
                if (UnixNative.GetPid() == 1)
                {
                    reason = "This process is PID 1, and the .NET runtime then reaps every child itself.";
                    return null;
                }
                if (SigChldIgnored())
                {
                    reason = "SIGCHLD is ignored in this process, so the system discards every child's exit status.";
                    return null;
                }
            }
            catch (Exception e) when (e is EntryPointNotFoundException || e is DllNotFoundException || e is BadImageFormatException)
            {
                reason = "libc lacks a function the launcher needs: " + e.Message;
                return null;
            }
            reason = null;
            return new PosixSpawnLauncher();
        }

        private static bool SigChldIgnored()
        {
            byte* action = stackalloc byte[UnixNative.OpaqueSize];
            Zero(action);
            // The handler is the first field of struct sigaction on both systems; SIG_IGN is 1.
            return UnixNative.SigAction(UnixNative.SigChld, null, action) == 0 && *(IntPtr*)action == (IntPtr)1;
        }

        public ILaunchedProcess Start(ProcessStartRequest request)
        {
            string file = request.FileName;
            string? dir = request.WorkingDirectory;
            // Checked first, because a failed chdir in the child would read as "No such file or directory" about the program.
            if (dir != null && !Directory.Exists(dir))
                throw new ProcessStartException($"Cannot start '{MessageText.Shorten(file)}': working directory '{MessageText.Shorten(dir)}' does not exist.");

            var environment = EnvironmentBlock(request);
            string path = ResolveProgram(file, dir, environment.TryGetValue("PATH", out var p) ? p : null);
            var argv = new List<string>(request.Arguments.Count + 1) { file };
            argv.AddRange(request.Arguments);
            for (int i = 0; i < argv.Count; i++)
                if (argv[i].IndexOf('\0') >= 0)
                    throw new ProcessStartException($"Cannot start '{MessageText.Shorten(file)}': {(i == 0 ? "its name" : "argument " + i.ToString(CultureInfo.InvariantCulture))} holds a NUL character, which no program can receive.");
            var envp = new List<string>(environment.Count);
            foreach (var kv in environment)
            {
                if (kv.Key.IndexOf('\0') >= 0 || kv.Value.IndexOf('\0') >= 0)
                    throw new ProcessStartException($"Cannot start '{MessageText.Shorten(file)}': environment variable '{MessageText.Shorten(kv.Key.Replace("\0", "\\0"))}' holds a NUL character.");
                envp.Add(kv.Key + "=" + kv.Value);
            }

            var stdout = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.None);
            var stderr = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.None);
            var wake = new AnonymousPipeServerStream(PipeDirection.Out, HandleInheritability.None);
            int pid;
            try
            {
                pid = Spawn(file, path, dir, argv, envp, stdout.ClientSafePipeHandle, stderr.ClientSafePipeHandle);
            }
            catch
            {
                stdout.Dispose();
                stderr.Dispose();
                wake.Dispose();
                throw;
            }
            // Only the child holds the write ends now, so end of file comes when it (and its children) close them.
            stdout.DisposeLocalCopyOfClientHandle();
            stderr.DisposeLocalCopyOfClientHandle();
            return new SpawnedProcess(pid, stdout, stderr, wake);
        }

        /// <summary>The inherited environment (as this process sees it, including changes made since it started) with the request's changes.</summary>
        private static Dictionary<string, string> EnvironmentBlock(ProcessStartRequest request)
        {
            var env = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
                env[(string)e.Key] = (string?)e.Value ?? "";
            foreach (var kv in request.Environment)
            {
                if (kv.Value == null) env.Remove(kv.Key);
                else env[kv.Key] = kv.Value;
            }
            return env;
        }

        /// <summary>
        /// A name without a slash is looked up in PATH as the shell does, with the command's own PATH
        /// (-Environment may change it) and relative entries taken from its working directory; a path
        /// with a slash is used as given, relative to the working directory.
        /// </summary>
        private static string ResolveProgram(string file, string? dir, string? pathVariable)
        {
            string baseDir = dir ?? Directory.GetCurrentDirectory();
            if (file.IndexOf('/') >= 0)
            {
                if (Directory.Exists(Path.Combine(baseDir, file)))
                    throw new ProcessStartException($"Cannot start '{MessageText.Shorten(file)}': it is a directory.");
                return file;
            }
            if (file.Length == 0) throw new ProcessStartException("Cannot start a program with an empty name.");
            bool notExecutable = false;
            foreach (var entry in (pathVariable ?? "/usr/local/bin:/usr/bin:/bin").Split(':'))
            {
                string candidate = (entry.Length == 0 ? "." : entry.TrimEnd('/')) + "/" + file;
                string full = Path.Combine(baseDir, candidate);
                if (!File.Exists(full)) continue; // also false for a directory
                if (IsExecutable(full)) return full;
                notExecutable = true;
            }
            throw new ProcessStartException(notExecutable
                ? $"Cannot start '{MessageText.Shorten(file)}': found in PATH, but not executable (Permission denied)."
                : $"Cannot start '{MessageText.Shorten(file)}': no such program in any directory of PATH.");
        }

        private static bool IsExecutable(string path)
        {
            fixed (byte* p = UnixNative.Utf8z(path)) return UnixNative.Access(p, UnixNative.X_OK) == 0;
        }

        private static int Spawn(string file, string path, string? dir, List<string> argv, List<string> envp, SafePipeHandle outWrite, SafePipeHandle errWrite)
        {
            bool outRef = false, errRef = false;
            byte* actions = stackalloc byte[UnixNative.OpaqueSize];
            byte* attr = stackalloc byte[UnixNative.OpaqueSize];
            byte* noSignals = stackalloc byte[UnixNative.OpaqueSize];
            byte* allSignals = stackalloc byte[UnixNative.OpaqueSize];
            Zero(actions);
            Zero(attr);
            Zero(noSignals);
            Zero(allSignals);
            Check(file, "posix_spawn_file_actions_init", UnixNative.FileActionsInit(actions));
            try
            {
                Check(file, "posix_spawnattr_init", UnixNative.AttrInit(attr));
                try
                {
                    outWrite.DangerousAddRef(ref outRef);
                    errWrite.DangerousAddRef(ref errRef);
                    int outFd = (int)outWrite.DangerousGetHandle(), errFd = (int)errWrite.DangerousGetHandle();
                    // The dups first: should this process run with 0, 1 or 2 closed, a pipe may sit on one of them.
                    Check(file, "posix_spawn_file_actions_adddup2", UnixNative.FileActionsAddDup2(actions, outFd, 1));
                    Check(file, "posix_spawn_file_actions_adddup2", UnixNative.FileActionsAddDup2(actions, errFd, 2));
                    fixed (byte* devNull = DevNull)
                        Check(file, "posix_spawn_file_actions_addopen", UnixNative.FileActionsAddOpen(actions, 0, devNull, UnixNative.O_RDONLY, 0));
                    if (dir != null)
                        fixed (byte* d = UnixNative.Utf8z(dir))
                            Check(file, "posix_spawn_file_actions_addchdir_np", UnixNative.FileActionsAddChdir(actions, d));

                    short flags = UnixNative.POSIX_SPAWN_SETPGROUP | UnixNative.POSIX_SPAWN_SETSIGMASK | UnixNative.POSIX_SPAWN_SETSIGDEF;
                    if (UnixNative.IsMacOS) flags |= UnixNative.POSIX_SPAWN_CLOEXEC_DEFAULT;
                    Check(file, "posix_spawnattr_setflags", UnixNative.AttrSetFlags(attr, flags));
                    Check(file, "posix_spawnattr_setpgroup", UnixNative.AttrSetPGroup(attr, 0)); // a new group, led by the child
                    // The sigset calls fail only for an invalid signal number, and these are constants.
                    _ = UnixNative.SigEmptySet(noSignals);
                    Check(file, "posix_spawnattr_setsigmask", UnixNative.AttrSetSigMask(attr, noSignals));
                    _ = UnixNative.SigFillSet(allSignals);
                    _ = UnixNative.SigDelSet(allSignals, UnixNative.SIGKILL);
                    _ = UnixNative.SigDelSet(allSignals, UnixNative.SigStop);
                    Check(file, "posix_spawnattr_setsigdefault", UnixNative.AttrSetSigDefault(attr, allSignals));

                    using var args = new NativeStrings(argv);
                    using var env = new NativeStrings(envp);
                    int pid;
                    int rc;
                    fixed (byte* p = UnixNative.Utf8z(path))
                        rc = UnixNative.PosixSpawn(&pid, p, actions, attr, args.Pointers, env.Pointers);
                    if (rc != 0) throw new ProcessStartException(DescribeFailure(file, path, dir, rc));
                    return pid;
                }
                finally
                {
                    if (outRef) outWrite.DangerousRelease();
                    if (errRef) errWrite.DangerousRelease();
                    _ = UnixNative.AttrDestroy(attr); // cleanup: nothing to do if it fails
                }
            }
            finally
            {
                _ = UnixNative.FileActionsDestroy(actions); // cleanup: nothing to do if it fails
            }
        }

        private static void Zero(byte* block)
        {
            for (int i = 0; i < UnixNative.OpaqueSize; i++) block[i] = 0;
        }

        private static void Check(string file, string call, int rc)
        {
            if (rc != 0) throw new ProcessStartException($"Cannot start '{MessageText.Shorten(file)}': {call} failed: {UnixNative.ErrorText(rc)}.");
        }

        /// <summary>Says why exec failed, in the terms a user can act on.</summary>
        private static string DescribeFailure(string file, string path, string? dir, int errno)
        {
            if (dir != null && !Directory.Exists(dir)) return $"Cannot start '{MessageText.Shorten(file)}': working directory '{MessageText.Shorten(dir)}' does not exist.";
            string full = Path.Combine(dir ?? Directory.GetCurrentDirectory(), path);
            if (errno == UnixNative.EACCES && Directory.Exists(full)) return $"Cannot start '{MessageText.Shorten(file)}': it is a directory.";
            if (errno == UnixNative.ENOENT && File.Exists(full))
            {
                // The file is there: what is missing is the interpreter named on its #! line.
                string? interpreter = Interpreter(full);
                if (interpreter != null) return $"Cannot start '{MessageText.Shorten(file)}': its interpreter '{MessageText.Shorten(interpreter)}' (on its #! line) does not exist.";
            }
            return $"Cannot start '{MessageText.Shorten(file)}': {UnixNative.ErrorText(errno)}.";
        }

        private static string? Interpreter(string path)
        {
            try
            {
                using var f = File.OpenRead(path);
                var head = new byte[256];
                int n = f.Read(head, 0, head.Length);
                if (n < 3 || head[0] != '#' || head[1] != '!') return null;
                var line = Encoding.UTF8.GetString(head, 2, n - 2).Split('\n')[0].Trim();
                int space = line.IndexOfAny(Blanks);
                return space < 0 ? line : line.Substring(0, space);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }

        /// <summary>A NULL-terminated array of NUL-terminated UTF-8 strings in one unmanaged block, as argv and envp.</summary>
        private sealed class NativeStrings : IDisposable
        {
            private readonly IntPtr _block;

            public NativeStrings(List<string> values)
            {
                var encoded = values.Select(UnixNative.Utf8z).ToArray();
                int pointerBytes = (encoded.Length + 1) * IntPtr.Size;
                _block = Marshal.AllocHGlobal(pointerBytes + encoded.Sum(e => e.Length));
                var pointers = (IntPtr*)_block;
                byte* data = (byte*)_block + pointerBytes;
                for (int i = 0; i < encoded.Length; i++)
                {
                    Marshal.Copy(encoded[i], 0, (IntPtr)data, encoded[i].Length);
                    pointers[i] = (IntPtr)data;
                    data += encoded[i].Length;
                }
                pointers[encoded.Length] = IntPtr.Zero;
            }

            public IntPtr* Pointers => (IntPtr*)_block;

            public void Dispose() => Marshal.FreeHGlobal(_block);
        }

        /// <summary>A child started by posix_spawn: waited for by a <see cref="ChildWaiters"/> thread, stopped by its process group.</summary>
        private sealed class SpawnedProcess : ILaunchedProcess
        {
            private readonly int _pid;
            private readonly AnonymousPipeServerStream _stdoutPipe;
            private readonly AnonymousPipeServerStream _stderrPipe;
            private readonly PipeReader _stdout;
            private readonly PipeReader _stderr;
            private readonly AnonymousPipeServerStream _wake;
            private readonly TaskCompletionSource<ProcessExit> _exited = new TaskCompletionSource<ProcessExit>(TaskCreationOptions.RunContinuationsAsynchronously);
            private readonly object _reapGate = new object();
            private string[]? _pipeLinks;
            private bool _reaped;
            private int _disposed;

            public SpawnedProcess(int pid, AnonymousPipeServerStream stdout, AnonymousPipeServerStream stderr, AnonymousPipeServerStream wake)
            {
                _pid = pid;
                _wake = wake;
                _stdoutPipe = stdout;
                _stderrPipe = stderr;
                _stdout = new PipeReader(stdout, wake.ClientSafePipeHandle);
                _stderr = new PipeReader(stderr, wake.ClientSafePipeHandle);
                ChildWaiters.Wait(WaitForExit);
            }

            public int Id => _pid;
            public Stream StandardOutput => _stdout;
            public Stream StandardError => _stderr;
            public Task<ProcessExit> Exited => _exited.Task;

            /// <summary>
            /// The "pipe:[inode]" names of the output pipes (Linux), found when first needed: while the run
            /// still reads the pipes (a stop, the end of the drain period). Kept from then on, for what
            /// stops the processes left holding them after the result.
            /// </summary>
            private string[] PipeLinks()
            {
                var links = Volatile.Read(ref _pipeLinks);
                if (links != null) return links;
                if (!UnixNative.IsLinux || !ProcFs.Available) return Array.Empty<string>();
                var found = new List<string>(2);
                foreach (var pipe in new[] { _stdoutPipe, _stderrPipe })
                {
                    var link = PipeLink(pipe);
                    if (link != null) found.Add(link);
                }
                links = found.ToArray();
                // Only a complete answer is kept: a pipe already closed may have been the other one's holder's only link.
                if (links.Length == 2) Volatile.Write(ref _pipeLinks, links);
                return links;
            }

            private static string? PipeLink(AnonymousPipeServerStream pipe)
            {
                // Held while read, so the descriptor cannot be closed and its number given to another file meanwhile.
                bool added = false;
                SafePipeHandle? handle = null;
                try
                {
                    handle = pipe.SafePipeHandle;
                    handle.DangerousAddRef(ref added);
                    var link = UnixNative.TryReadLink("/proc/self/fd/" + handle.DangerousGetHandle().ToInt64().ToString(CultureInfo.InvariantCulture));
                    return link != null && link.StartsWith("pipe:", StringComparison.Ordinal) ? link : null;
                }
                catch (ObjectDisposedException) { return null; }
                catch (InvalidOperationException) { return null; }
                finally
                {
                    if (added) handle!.DangerousRelease();
                }
            }

            private void WaitForExit()
            {
                ProcessExit exit;
                try
                {
                    // Wait without reaping, then reap under the lock that Stop signals under: so the PID
                    // is never signalled after it was reaped, when the system may give it to another process.
                    byte* info = stackalloc byte[256];
                    while (UnixNative.WaitId(UnixNative.P_PID, _pid, info, UnixNative.WEXITED | UnixNative.WNOWAIT) != 0
                           && Marshal.GetLastWin32Error() == UnixNative.EINTR) { }
                    int status = 0, reaped;
                    lock (_reapGate)
                    {
                        do reaped = UnixNative.WaitPid(_pid, &status, UnixNative.WNOHANG);
                        while (reaped < 0 && Marshal.GetLastWin32Error() == UnixNative.EINTR);
                        _reaped = true;
                    }
                    // Not ours to read (ECHILD): something else in this process collected it.
                    exit = reaped == _pid ? Decode(status) : ProcessExit.Unknown;
                }
                catch (Exception)
                {
                    exit = ProcessExit.Unknown;
                }
                _exited.TrySetResult(exit);
            }

            private static ProcessExit Decode(int status)
            {
                int low = status & 0x7f;
                if (low == 0) return ProcessExit.Exited((status >> 8) & 0xff);
                if (low != 0x7f) return ProcessExit.Killed(low);
                return ProcessExit.Unknown; // stopped: never reported without WUNTRACED
            }

            public void Stop(TimeSpan grace)
            {
                // While the child is not reaped its PID, and so its process group's ID, cannot be anyone
                // else's. Once reaped, only the output pipes (unique while anyone holds them) lead safely
                // to what it left running; where there is no /proc to follow them, nothing is stopped then.
                int? root;
                long? startTime = null;
                bool linux = UnixNative.IsLinux && ProcFs.Available;
                lock (_reapGate)
                {
                    root = _reaped ? (int?)null : _pid;
                    // Read while it cannot be reaped: the start time tells this child from a later process with its PID.
                    if (root.HasValue && linux) startTime = ProcFs.Read(_pid)?.StartTime;
                }
                if (linux)
                    ProcessTreeKiller.StopLinux(root, startTime, root, PipeLinks(), grace);
                else if (root.HasValue)
                    ProcessTreeKiller.StopGroup(root.Value, grace);
            }

            public bool AbandonOutput()
            {
                try
                {
                    _wake.WriteByte(1);
                    _wake.Flush();
                }
                catch (ObjectDisposedException) { }
                catch (IOException) { }
                return true;
            }

            public IReadOnlyList<int> OutputHolders()
            {
                var links = PipeLinks();
                if (links.Length == 0) return Array.Empty<int>();
                return ProcFs.HoldersOf(links, ProcFs.Snapshot()).Select(p => p.Pid).Where(p => p != _pid).OrderBy(p => p).ToArray();
            }

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
                // A reader still polling sees the wake pipe close and returns end of file; the read end
                // closes when the last reader lets go of it.
                var wakeRead = _wake.ClientSafePipeHandle;
                _wake.Dispose();
                wakeRead.Dispose();
            }
        }

        /// <summary>
        /// Threads that wait for children, reused: starting a thread for every command cost more than the
        /// rest of its start. A thread whose child has ended takes the next waiting job, and one left idle
        /// for ten seconds ends, so their number follows how many commands run at once.
        /// </summary>
        private static class ChildWaiters
        {
            private static readonly object Gate = new object();
            private static readonly Queue<Action> Jobs = new Queue<Action>();
            private static int _idle;
            private static int _woken;

            public static void Wait(Action job)
            {
                lock (Gate)
                {
                    Jobs.Enqueue(job);
                    // An idle thread not already woken for another job takes it.
                    if (_idle > _woken)
                    {
                        _woken++;
                        Monitor.Pulse(Gate);
                        return;
                    }
                }
                new Thread(Run, 256 * 1024) { IsBackground = true, Name = "ParallelJobs child waiter" }.Start();
            }

            private static void Run()
            {
                while (true)
                {
                    Action job;
                    lock (Gate)
                    {
                        while (Jobs.Count == 0)
                        {
                            _idle++;
                            bool woken = Monitor.Wait(Gate, TimeSpan.FromSeconds(10));
                            _idle--;
                            if (woken) _woken--;
                            else if (Jobs.Count == 0) return;
                        }
                        job = Jobs.Dequeue();
                    }
                    job();
                }
            }
        }

        /// <summary>
        /// The read end of an output pipe. A read waits in poll() on the pipe and on a wake pipe, so
        /// <see cref="ILaunchedProcess.AbandonOutput"/> can end it while a background process still holds
        /// the write end: a plain blocking read could not be interrupted, and closing the descriptor under it
        /// does not wake it either. Once woken, reads still return what the pipe holds at that moment (so
        /// output written before the drain period ended is kept even when this reader was slow to run),
        /// up to <see cref="FinishBudget"/> bytes, then end of file.
        /// </summary>
        private sealed class PipeReader : Stream
        {
            /// <summary>Far more than a pipe holds (64 KiB by default on Linux): a writer that keeps writing cannot keep the reader going.</summary>
            private const long FinishBudget = 4 * 1024 * 1024;
            private readonly AnonymousPipeServerStream _pipe;
            private readonly SafePipeHandle _wake;
            private bool _finishing;
            private long _finishLeft = FinishBudget;

            public PipeReader(AnonymousPipeServerStream pipe, SafePipeHandle wake)
            {
                _pipe = pipe;
                _wake = wake;
            }

            public override int Read(byte[] buffer, int offset, int count)
            {
                if (count == 0) return 0;
                bool pipeRef = false, wakeRef = false;
                SafePipeHandle? handle = null;
                try
                {
                    handle = _pipe.SafePipeHandle;
                    handle.DangerousAddRef(ref pipeRef);
                    int fd = (int)handle.DangerousGetHandle();
                    if (!_finishing)
                    {
                        try
                        {
                            _wake.DangerousAddRef(ref wakeRef);
                        }
                        catch (ObjectDisposedException)
                        {
                            _finishing = true;
                        }
                    }
                    var fds = stackalloc UnixNative.PollFd[2];
                    while (true)
                    {
                        fds[0] = new UnixNative.PollFd { Fd = fd, Events = UnixNative.POLLIN };
                        if (!_finishing) fds[1] = new UnixNative.PollFd { Fd = (int)_wake.DangerousGetHandle(), Events = UnixNative.POLLIN };
                        // Finishing: only what is there now (no wait).
                        if (UnixNative.Poll(fds, (UIntPtr)(_finishing ? 1 : 2), _finishing ? 0 : -1) < 0)
                        {
                            int errno = Marshal.GetLastWin32Error();
                            if (errno == UnixNative.EINTR) continue;
                            throw new IOException("poll: " + UnixNative.ErrorText(errno));
                        }
                        if (!_finishing && fds[1].Revents != 0)
                        {
                            _finishing = true; // output abandoned, or the process object disposed
                            continue;
                        }
                        if (fds[0].Revents == 0)
                        {
                            if (_finishing) return 0;
                            continue;
                        }
                        if (_finishing)
                        {
                            if (_finishLeft <= 0) return 0;
                            count = (int)Math.Min(count, _finishLeft);
                        }
                        long n;
                        fixed (byte* p = &buffer[offset]) n = (long)UnixNative.Read(fd, p, (IntPtr)count);
                        if (n >= 0)
                        {
                            if (_finishing) _finishLeft -= n;
                            return (int)n;
                        }
                        int error = Marshal.GetLastWin32Error();
                        if (error == UnixNative.EINTR) continue;
                        throw new IOException("read: " + UnixNative.ErrorText(error));
                    }
                }
                catch (ObjectDisposedException)
                {
                    return 0;
                }
                finally
                {
                    if (pipeRef) handle!.DangerousRelease();
                    if (wakeRef) _wake.DangerousRelease();
                }
            }

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing) _pipe.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}
