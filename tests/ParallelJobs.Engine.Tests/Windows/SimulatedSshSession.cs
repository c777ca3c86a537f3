using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using ParallelJobs.Processes;
using ParallelJobs.Remote;

namespace ParallelJobs.Engine.Tests.Windows;

/// <summary>
/// What Win32-OpenSSH's sshd does with an exec request without a pty, for a Windows host that this machine cannot
/// run (there is no Windows sshd here): it starts "shell -c command" (cmd.exe /c, or PowerShell's -c) with pipes
/// for stdin, stdout and stderr, in a job object with KILL_ON_JOB_CLOSE whose only handle the shell holds, so the
/// job closes (and kills whatever is left in it) when the shell exits. Here the shell starts suspended, joins the
/// job, then runs; the job's handle stays with this class and is closed when the shell exits, which is the same.
/// The shell gets a console of its own without a window (CREATE_NO_WINDOW), as a console program that a service
/// starts has one; PowerShell's console host needs it (under Wine this test process has none to pass on).
/// Closing <see cref="CloseInput"/> is the channel's end of file (a local stop, or the connection going away).
/// </summary>
internal sealed class SimulatedSshSession : IDisposable
{
    private readonly WindowsJob _job;
    private readonly IntPtr _process;
    private readonly FileStream _stdin;
    private readonly MemoryStream _out = new(), _err = new();
    private readonly Task _outDone, _errDone, _exited;
    private readonly TaskCompletionSource _pid = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public readonly RemoteMarkerFilter Filter;

    public int ShellProcessId { get; }
    public int? ShellExitCode { get; private set; }

    public SimulatedSshSession(string shellCommandLine, string nonce)
    {
        Filter = new RemoteMarkerFilter(nonce);
        var (inRead, inWrite) = Pipe(parentWrites: true);
        var (outRead, outWrite) = Pipe(parentWrites: false);
        var (errRead, errWrite) = Pipe(parentWrites: false);
        var si = new STARTUPINFOW { cb = Marshal.SizeOf<STARTUPINFOW>(), dwFlags = STARTF_USESTDHANDLES, hStdInput = inRead, hStdOutput = outWrite, hStdError = errWrite };
        char[] line = (shellCommandLine + "\0").ToCharArray(); // CreateProcessW may write into its command line
        if (!CreateProcessW(null, line, IntPtr.Zero, IntPtr.Zero, true, CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT | CREATE_NO_WINDOW, IntPtr.Zero, null, ref si, out var pi))
            throw new Win32Exception(Marshal.GetLastWin32Error(), "CreateProcess " + shellCommandLine);
        foreach (var h in new[] { inRead, outWrite, errWrite }) CloseHandle(h);
        _job = WindowsJob.Create();
        Assert.True(_job.TryAssign(pi.hProcess, out int error), "AssignProcessToJobObject: " + error);
        ResumeThread(pi.hThread);
        CloseHandle(pi.hThread);
        _process = pi.hProcess;
        ShellProcessId = pi.dwProcessId;
        _stdin = new FileStream(new SafeFileHandle(inWrite, true), FileAccess.Write, 1);
        var stdout = new FileStream(new SafeFileHandle(outRead, true), FileAccess.Read, 1);
        var stderr = new FileStream(new SafeFileHandle(errRead, true), FileAccess.Read, 1);
        _outDone = Task.Factory.StartNew(() => { using (stdout) stdout.CopyTo(_out); }, TaskCreationOptions.LongRunning);
        _errDone = Task.Factory.StartNew(() =>
        {
            using (stderr)
            {
                var buffer = new byte[4096];
                int n;
                while ((n = stderr.Read(buffer, 0, buffer.Length)) > 0)
                {
                    lock (_err) Filter.Feed(buffer, 0, n, (b, o, c) => _err.Write(b, o, c));
                    if (Filter.RemotePid.HasValue || Filter.NoDirectory) _pid.TrySetResult();
                }
                lock (_err) Filter.Complete((b, o, c) => _err.Write(b, o, c));
                _pid.TrySetResult();
            }
        }, TaskCreationOptions.LongRunning);
        _exited = Task.Factory.StartNew(() =>
        {
            WaitForSingleObject(_process, uint.MaxValue);
            if (GetExitCodeProcess(_process, out uint code)) ShellExitCode = unchecked((int)code);
            _job.Dispose(); // the shell held the job's only handle: its end closes the job
        }, TaskCreationOptions.LongRunning);
    }

    /// <summary>The shell's command line as sshd makes it for cmd.exe (the default shell).</summary>
    public static string Cmd(string command) => WindowsOnly.ComSpec + " /c " + command;

    /// <summary>The shell's command line as sshd makes it with DefaultShell set to a PowerShell (-c, its DefaultShellCommandOption).</summary>
    public static string PowerShell(string pwsh, string command) => pwsh + " -c " + command;

    public void CloseInput() => _stdin.Dispose();

    /// <summary>The command's pid from the wrapper's marker (or null when it reported none: no directory, or it never ran).</summary>
    public int? AwaitPid(TimeSpan timeout)
    {
        Assert.True(_pid.Task.Wait(timeout), "the wrapper reported no pid within " + timeout);
        return Filter.RemotePid;
    }

    /// <summary>Waits for the shell to exit and the pipes to end: what sshd waits for before it closes the channel.</summary>
    public (string Out, string Err) Finish(TimeSpan timeout)
    {
        Assert.True(_exited.Wait(timeout), "the simulated session's shell did not exit within " + timeout);
        Assert.True(Task.WaitAll(new[] { _outDone, _errDone }, TimeSpan.FromSeconds(30)), "the session's pipes stayed open after its shell exited");
        lock (_err) return (System.Text.Encoding.UTF8.GetString(_out.ToArray()), System.Text.Encoding.UTF8.GetString(_err.ToArray()));
    }

    public void Dispose()
    {
        try { _stdin.Dispose(); } catch (IOException) { }
        if (!_exited.IsCompleted) TerminateProcess(_process, 1);
        _exited.Wait(TimeSpan.FromSeconds(30));
        _job.Dispose();
        CloseHandle(_process);
    }

    private static (IntPtr Read, IntPtr Write) Pipe(bool parentWrites)
    {
        var sa = new SECURITY_ATTRIBUTES { nLength = Marshal.SizeOf<SECURITY_ATTRIBUTES>(), bInheritHandle = true };
        if (!CreatePipe(out var read, out var write, ref sa, 0)) throw new Win32Exception(Marshal.GetLastWin32Error(), "CreatePipe");
        // This side's end is not inherited, so the child alone holds the other end and its close is seen here.
        SetHandleInformation(parentWrites ? write : read, HANDLE_FLAG_INHERIT, 0);
        return (read, write);
    }

    private const uint CREATE_SUSPENDED = 0x4, CREATE_UNICODE_ENVIRONMENT = 0x400, CREATE_NO_WINDOW = 0x08000000, HANDLE_FLAG_INHERIT = 1;
    private const int STARTF_USESTDHANDLES = 0x100;

    [StructLayout(LayoutKind.Sequential)]
    private struct SECURITY_ATTRIBUTES { public int nLength; public IntPtr lpSecurityDescriptor; [MarshalAs(UnmanagedType.Bool)] public bool bInheritHandle; }

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    private struct STARTUPINFOW
    {
        public int cb;
        public string? lpReserved, lpDesktop, lpTitle;
        public int dwX, dwY, dwXSize, dwYSize, dwXCountChars, dwYCountChars, dwFillAttribute, dwFlags;
        public short wShowWindow, cbReserved2;
        public IntPtr lpReserved2, hStdInput, hStdOutput, hStdError;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PROCESS_INFORMATION { public IntPtr hProcess, hThread; public int dwProcessId, dwThreadId; }

    [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool CreateProcessW(string? app, char[] commandLine, IntPtr pa, IntPtr ta, [MarshalAs(UnmanagedType.Bool)] bool inherit,
        uint flags, IntPtr env, string? dir, ref STARTUPINFOW si, out PROCESS_INFORMATION pi);

    [DllImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool CreatePipe(out IntPtr read, out IntPtr write, ref SECURITY_ATTRIBUTES sa, uint size);

    [DllImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool SetHandleInformation(IntPtr handle, uint mask, uint flags);

    [DllImport("kernel32.dll")]
    private static extern uint ResumeThread(IntPtr thread);

    [DllImport("kernel32.dll")]
    private static extern uint WaitForSingleObject(IntPtr handle, uint ms);

    [DllImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool GetExitCodeProcess(IntPtr process, out uint code);

    [DllImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool TerminateProcess(IntPtr process, uint code);

    [DllImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool CloseHandle(IntPtr handle);
}
