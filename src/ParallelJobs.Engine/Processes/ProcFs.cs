using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace ParallelJobs.Processes
{
    /// <summary>
    /// Reads the Linux process table from /proc: parent links and start times (to find a command's whole
    /// tree, and not to mistake a reused PID for it), and which processes hold a given pipe open (to find
    /// background children that outlived their parent but still write into the command's output).
    /// </summary>
    internal static class ProcFs
    {
        public static bool Available => Directory.Exists("/proc/self");

        public readonly struct ProcInfo
        {
            public ProcInfo(int pid, int parent, int group, long startTime, char state)
            {
                Pid = pid; Parent = parent; Group = group; StartTime = startTime; State = state;
            }
            public int Pid { get; }
            public int Parent { get; }
            /// <summary>The process group.</summary>
            public int Group { get; }
            public long StartTime { get; }
            public char State { get; }
        }

        public static List<ProcInfo> Snapshot()
        {
            var list = new List<ProcInfo>();
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
                var info = Read(pid);
                if (info.HasValue) list.Add(info.Value);
            }
            return list;
        }

        public static ProcInfo? Read(int pid)
        {
            string text;
            try { text = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat"); }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
            // Format: pid (comm) state ppid ... field 22 starttime. comm may hold spaces and ')'.
            int close = text.LastIndexOf(')');
            if (close < 0) return null;
            var fields = text.Substring(close + 2).Split(' ');
            if (fields.Length < 20) return null;
            char state = fields[0].Length > 0 ? fields[0][0] : '?';
            int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int ppid);
            int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int pgrp);
            long.TryParse(fields[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out long start);
            return new ProcInfo(pid, ppid, pgrp, start, state);
        }

        /// <summary>True while the process exists and is not a zombie (a zombie has ended; it only awaits reaping).</summary>
        public static bool IsAlive(int pid, long startTime)
        {
            var info = Read(pid);
            return info.HasValue && info.Value.StartTime == startTime && info.Value.State != 'Z' && info.Value.State != 'X';
        }

        /// <summary>The root and all its descendants, from one snapshot of the table.</summary>
        public static List<ProcInfo> Tree(int root, List<ProcInfo> table)
        {
            var children = new Dictionary<int, List<ProcInfo>>();
            ProcInfo? rootInfo = null;
            foreach (var p in table)
            {
                if (p.Pid == root) rootInfo = p;
                if (!children.TryGetValue(p.Parent, out var l)) children[p.Parent] = l = new List<ProcInfo>();
                l.Add(p);
            }
            var result = new List<ProcInfo>();
            if (rootInfo.HasValue) result.Add(rootInfo.Value);
            var queue = new Queue<int>();
            queue.Enqueue(root);
            var seen = new HashSet<int> { root };
            while (queue.Count > 0)
            {
                int pid = queue.Dequeue();
                if (!children.TryGetValue(pid, out var kids)) continue;
                foreach (var k in kids)
                {
                    if (!seen.Add(k.Pid)) continue;
                    result.Add(k);
                    queue.Enqueue(k.Pid);
                }
            }
            return result;
        }

        /// <summary>Processes with any of the given "pipe:[inode]" links among their open file descriptors.</summary>
        public static List<ProcInfo> HoldersOf(ICollection<string> pipeLinks, List<ProcInfo> table)
        {
            var result = new List<ProcInfo>();
            if (pipeLinks.Count == 0) return result;
            int self = UnixNative.GetPid();
            foreach (var p in table)
            {
                if (p.Pid == self) continue;
                string fdDir = "/proc/" + p.Pid.ToString(CultureInfo.InvariantCulture) + "/fd";
                IEnumerable<string> fds;
                try { fds = Directory.EnumerateFiles(fdDir); }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { continue; }
                try
                {
                    foreach (var fd in fds)
                    {
                        var link = UnixNative.TryReadLink(fd);
                        if (link != null && pipeLinks.Contains(link)) { result.Add(p); break; }
                    }
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
            }
            return result;
        }
    }
}
