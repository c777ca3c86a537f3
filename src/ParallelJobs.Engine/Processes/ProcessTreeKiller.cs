using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;

namespace ParallelJobs.Processes
{
    /// <summary>
    /// Stops a command and everything it started, so no child outlives a time-out or a cancellation.
    /// On Linux: the tree is read from /proc (plus any process still holding the command's output pipes,
    /// which finds background children re-parented to init), each member gets SIGTERM (and SIGCONT, so
    /// a stopped one can act on it), then, after the grace period, SIGKILL goes to every survivor and to
    /// anything they started meanwhile. Elsewhere: Process.Kill(entireProcessTree: true) in the net8.0 build;
    /// the netstandard2.0 build (Windows PowerShell 5.1, .NET Framework) has only Process.Kill(), which stops
    /// the top process.
    /// </summary>
    internal static class ProcessTreeKiller
    {

        public static void Stop(Process process, TimeSpan grace, ICollection<string>? pipeLinks = null)
        {
            int pid;
            try { pid = process.Id; }
            catch (InvalidOperationException) { return; }

            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && ProcFs.Available)
            {
                StopLinux(pid, grace, pipeLinks ?? Array.Empty<string>());
                return;
            }
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && grace > TimeSpan.Zero)
            {
                // macOS and other Unix: a polite signal to the top process first.
                UnixNative.Kill(pid, UnixNative.SIGTERM);
                try { if (process.WaitForExit((int)grace.TotalMilliseconds)) return; } catch (InvalidOperationException) { return; }
            }
            KillWithRuntime(process);
        }

        private static void KillWithRuntime(Process process)
        {
            try
            {
#if NET
                process.Kill(entireProcessTree: true);
#else
                process.Kill();
#endif
            }
            catch (InvalidOperationException) { }
            catch (System.ComponentModel.Win32Exception) { }
        }

        private static void StopLinux(int rootPid, TimeSpan grace, ICollection<string> pipeLinks)
        {
            var table = ProcFs.Snapshot();
            var members = Members(rootPid, table, pipeLinks);
            if (members.Count == 0) return;

            if (grace > TimeSpan.Zero)
            {
                foreach (var p in members)
                {
                    UnixNative.Kill(p.Pid, UnixNative.SIGTERM);
                    UnixNative.Kill(p.Pid, UnixNative.SigCont);
                }
                var deadline = DateTime.UtcNow + grace;
                while (DateTime.UtcNow < deadline && members.Any(p => ProcFs.IsAlive(p.Pid, p.StartTime)))
                    Thread.Sleep(10); // no event tells when a non-child process ends; poll briefly
            }

            // Survivors, and anything they (or the pipe holders) started during the grace period.
            for (int round = 0; round < 3; round++)
            {
                table = ProcFs.Snapshot();
                var alive = new Dictionary<int, ProcFs.ProcInfo>();
                foreach (var p in members)
                {
                    if (!ProcFs.IsAlive(p.Pid, p.StartTime)) continue;
                    foreach (var d in ProcFs.Tree(p.Pid, table)) alive[d.Pid] = d;
                }
                foreach (var d in ProcFs.HoldersOf(pipeLinks, table)) alive[d.Pid] = d;
                if (alive.Count == 0) return;
                foreach (var p in alive.Values) UnixNative.Kill(p.Pid, UnixNative.SIGKILL);
                members = alive.Values.ToList();
                var until = DateTime.UtcNow + TimeSpan.FromMilliseconds(500);
                while (DateTime.UtcNow < until && members.Any(p => ProcFs.IsAlive(p.Pid, p.StartTime)))
                    Thread.Sleep(5);
            }
        }

        private static List<ProcFs.ProcInfo> Members(int rootPid, List<ProcFs.ProcInfo> table, ICollection<string> pipeLinks)
        {
            var byPid = new Dictionary<int, ProcFs.ProcInfo>();
            foreach (var p in ProcFs.Tree(rootPid, table)) byPid[p.Pid] = p;
            foreach (var holder in ProcFs.HoldersOf(pipeLinks, table))
                foreach (var p in ProcFs.Tree(holder.Pid, table)) byPid[p.Pid] = p;
            return byPid.Values.Where(p => p.State != 'Z' && p.State != 'X').ToList();
        }
    }
}
