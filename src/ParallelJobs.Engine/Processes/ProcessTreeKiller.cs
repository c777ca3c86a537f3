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
    /// On Linux: the members are read from /proc — the command's tree, every process of its process group
    /// and their trees, and any process still holding the command's output pipes (which finds background
    /// children re-parented to init, even in a new session) — each gets SIGTERM (and SIGCONT, so a stopped
    /// one can act on it), then, after the grace period, SIGKILL goes to every survivor and to anything
    /// they started meanwhile. Other Unix: the same two signals to the process group. Windows: each command
    /// runs in a job object (<see cref="WindowsJob"/>), which the launcher terminates as a whole; only where
    /// Windows refuses the job does this walk the tree with Process.Kill(entireProcessTree: true) (net8.0),
    /// or stop the top process alone with Process.Kill() (netstandard2.0, .NET Framework).
    /// </summary>
    internal static class ProcessTreeKiller
    {
        /// <summary>Stops a process started with .NET's Process, its tree, and whatever holds the given pipes.</summary>
        public static void Stop(Process process, TimeSpan grace, ICollection<string>? pipeLinks = null)
        {
            int pid;
            bool exited;
            try
            {
                pid = process.Id;
                exited = process.HasExited;
            }
            catch (InvalidOperationException) { return; }

            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && ProcFs.Available)
            {
                // Once it has exited its PID may belong to someone else: then only the pipes lead to what it left.
                StopLinux(exited ? (int?)null : pid, null, null, pipeLinks ?? Array.Empty<string>(), grace);
                return;
            }
            if (exited) return;
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && grace > TimeSpan.Zero)
            {
                // macOS and other Unix: a polite signal to the top process first.
                _ = UnixNative.Kill(pid, UnixNative.SIGTERM);
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

        /// <summary>
        /// Linux: stops the tree under <paramref name="rootPid"/> (only while it is the process that started
        /// at <paramref name="rootStartTime"/>, when given), every member of process group
        /// <paramref name="group"/> with its tree, and every process holding one of <paramref name="pipeLinks"/>.
        /// </summary>
        internal static void StopLinux(int? rootPid, long? rootStartTime, int? group, ICollection<string> pipeLinks, TimeSpan grace)
        {
            var table = ProcFs.Snapshot();
            var members = Members(rootPid, rootStartTime, group, table, pipeLinks);
            if (members.Count == 0) return;

            if (grace > TimeSpan.Zero)
            {
                foreach (var p in members)
                {
                    _ = UnixNative.Kill(p.Pid, UnixNative.SIGTERM);
                    _ = UnixNative.Kill(p.Pid, UnixNative.SigCont);
                }
                var deadline = DateTime.UtcNow + grace;
                while (DateTime.UtcNow < deadline && members.Any(p => ProcFs.IsAlive(p.Pid, p.StartTime)))
                    Thread.Sleep(10); // no event tells when a non-child process ends; poll briefly
            }

            // Survivors, and anything they (or the group, or the pipe holders) started during the grace period.
            for (int round = 0; round < 3; round++)
            {
                table = ProcFs.Snapshot();
                var alive = new Dictionary<int, ProcFs.ProcInfo>();
                foreach (var p in members)
                {
                    if (!ProcFs.IsAlive(p.Pid, p.StartTime)) continue;
                    foreach (var d in ProcFs.Tree(p.Pid, table)) alive[d.Pid] = d;
                }
                foreach (var d in Members(null, null, group, table, pipeLinks)) alive[d.Pid] = d;
                alive.Remove(UnixNative.GetPid());
                if (alive.Count == 0) return;
                foreach (var p in alive.Values) _ = UnixNative.Kill(p.Pid, UnixNative.SIGKILL);
                members = alive.Values.ToList();
                var until = DateTime.UtcNow + TimeSpan.FromMilliseconds(500);
                while (DateTime.UtcNow < until && members.Any(p => ProcFs.IsAlive(p.Pid, p.StartTime)))
                    Thread.Sleep(5);
            }
        }

        private static List<ProcFs.ProcInfo> Members(int? rootPid, long? rootStartTime, int? group, List<ProcFs.ProcInfo> table, ICollection<string> pipeLinks)
        {
            var byPid = new Dictionary<int, ProcFs.ProcInfo>();
            if (rootPid.HasValue)
            {
                var root = table.FirstOrDefault(p => p.Pid == rootPid.Value);
                if (root.Pid == rootPid.Value && (!rootStartTime.HasValue || root.StartTime == rootStartTime.Value))
                    foreach (var p in ProcFs.Tree(rootPid.Value, table)) byPid[p.Pid] = p;
            }
            if (group.HasValue && group.Value > 1)
            {
                foreach (var member in table.Where(p => p.Group == group.Value).ToList())
                    foreach (var p in ProcFs.Tree(member.Pid, table)) byPid[p.Pid] = p;
            }
            foreach (var holder in ProcFs.HoldersOf(pipeLinks, table))
                foreach (var p in ProcFs.Tree(holder.Pid, table)) byPid[p.Pid] = p;
            byPid.Remove(UnixNative.GetPid());
            return byPid.Values.Where(p => p.State != 'Z' && p.State != 'X').ToList();
        }

        /// <summary>
        /// Unix without /proc (macOS): SIGTERM and SIGCONT to every member of the process group, up to the
        /// grace period for them to go, then SIGKILL to whoever is left. A member that left the group
        /// (setsid) is out of reach here.
        /// </summary>
        internal static void StopGroup(int group, TimeSpan grace)
        {
            if (group <= 1 || group == UnixNative.GetProcessGroup()) return; // never this process's own group
            if (grace > TimeSpan.Zero)
            {
                if (UnixNative.Kill(-group, UnixNative.SIGTERM) != 0) return; // no member left
                _ = UnixNative.Kill(-group, UnixNative.SigCont);
                var deadline = DateTime.UtcNow + grace;
                while (DateTime.UtcNow < deadline && UnixNative.Kill(-group, 0) == 0)
                    Thread.Sleep(10); // no event tells when a group has emptied; poll briefly
            }
            _ = UnixNative.Kill(-group, UnixNative.SIGKILL);
        }
    }
}
