using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ParallelJobs.Processes
{
    /// <summary>
    /// A Windows job object holding one command and everything it starts (a process's children join its
    /// job unless they break away, which the job does not allow). Created with KILL_ON_JOB_CLOSE: when the
    /// last handle closes — this process ending, the session closing, however it ends — Windows kills every
    /// member. <see cref="Terminate"/> kills the whole tree at once, members that started a moment ago
    /// included, which a walk over a snapshot of the process tree cannot promise.
    /// </summary>
    internal sealed class WindowsJob : IDisposable
    {
        // Jobs that still hold processes after their command ended are kept here, so their handles are
        // closed (and their members killed) when this process ends, never by a garbage collection.
        private static readonly HashSet<WindowsJob> Kept = new HashSet<WindowsJob>();

        private readonly JobHandle _handle;

        private WindowsJob(JobHandle handle) => _handle = handle;

        /// <summary>A new job with KILL_ON_JOB_CLOSE; throws Win32Exception when Windows refuses.</summary>
        public static WindowsJob Create()
        {
            var handle = Native.CreateJobObjectW(IntPtr.Zero, null);
            if (handle.IsInvalid)
            {
                int error = Marshal.GetLastWin32Error();
                handle.Dispose();
                throw new Win32Exception(error, "CreateJobObject failed");
            }
            var info = new Native.JOBOBJECT_EXTENDED_LIMIT_INFORMATION();
            info.BasicLimitInformation.LimitFlags = Native.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
            int size = Marshal.SizeOf<Native.JOBOBJECT_EXTENDED_LIMIT_INFORMATION>();
            if (!Native.SetInformationJobObject(handle, Native.JobObjectExtendedLimitInformation, ref info, (uint)size))
            {
                int error = Marshal.GetLastWin32Error();
                handle.Dispose();
                throw new Win32Exception(error, "SetInformationJobObject failed");
            }
            return new WindowsJob(handle);
        }

        /// <summary>Puts a process (and so whatever it starts from now on) into the job; false with the Win32 error when Windows refuses.</summary>
        public bool TryAssign(IntPtr processHandle, out int error)
        {
            error = 0;
            if (Native.AssignProcessToJobObject(_handle, processHandle)) return true;
            error = Marshal.GetLastWin32Error();
            return false;
        }

        /// <summary>Kills every process in the job, at once. Safe after the members ended and after <see cref="Release"/>.</summary>
        public void Terminate(uint exitCode)
        {
            if (_handle.IsClosed) return;
            bool added = false;
            try
            {
                _handle.DangerousAddRef(ref added);
                _ = Native.TerminateJobObject(_handle, exitCode);
            }
            catch (ObjectDisposedException) { }
            finally
            {
                if (added) _handle.DangerousRelease();
            }
        }

        /// <summary>The ids of the processes in the job now (empty once it is closed).</summary>
        public IReadOnlyList<int> ProcessIds()
        {
            if (_handle.IsClosed) return Array.Empty<int>();
            // JOBOBJECT_BASIC_PROCESS_ID_LIST: two DWORDs (assigned, listed), then ULONG_PTR ids.
            int capacity = 64;
            for (int round = 0; round < 8; round++)
            {
                int bytes = 8 + capacity * IntPtr.Size;
                IntPtr buffer = Marshal.AllocHGlobal(bytes);
                try
                {
                    if (!Native.QueryInformationJobObject(_handle, Native.JobObjectBasicProcessIdList, buffer, (uint)bytes, IntPtr.Zero))
                    {
                        if (Marshal.GetLastWin32Error() == Native.ERROR_MORE_DATA) { capacity *= 4; continue; }
                        return Array.Empty<int>();
                    }
                    int listed = Marshal.ReadInt32(buffer, 4);
                    var ids = new int[listed];
                    for (int i = 0; i < listed; i++) ids[i] = (int)Marshal.ReadIntPtr(buffer, 8 + i * IntPtr.Size).ToInt64();
                    return ids;
                }
                finally
                {
                    Marshal.FreeHGlobal(buffer);
                }
            }
            return Array.Empty<int>();
        }

        /// <summary>
        /// The command is done with: an empty job is closed now; one that still holds processes (the
        /// command left something running) stays open, so <see cref="Terminate"/> still reaches them and
        /// they end with this process at the latest.
        /// </summary>
        public void Release()
        {
            if (ProcessIds().Count == 0)
            {
                Dispose();
                return;
            }
            lock (Kept)
            {
                // Jobs kept earlier whose members have all ended since are closed now.
                Kept.RemoveWhere(j =>
                {
                    if (j.ProcessIds().Count != 0) return false;
                    j._handle.Dispose();
                    return true;
                });
                Kept.Add(this);
            }
        }

        /// <summary>Closes the handle: KILL_ON_JOB_CLOSE ends whatever is still in the job.</summary>
        public void Dispose()
        {
            lock (Kept) Kept.Remove(this);
            _handle.Dispose();
        }

        private sealed class JobHandle : SafeHandleZeroOrMinusOneIsInvalid
        {
            public JobHandle() : base(true) { }

            protected override bool ReleaseHandle() => Native.CloseHandle(handle);
        }

        private static class Native
        {
            public const int JobObjectBasicProcessIdList = 3;
            public const int JobObjectExtendedLimitInformation = 9;
            public const uint JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000;
            public const int ERROR_MORE_DATA = 234;

            [StructLayout(LayoutKind.Sequential)]
            public struct JOBOBJECT_BASIC_LIMIT_INFORMATION
            {
                public long PerProcessUserTimeLimit;
                public long PerJobUserTimeLimit;
                public uint LimitFlags;
                public UIntPtr MinimumWorkingSetSize;
                public UIntPtr MaximumWorkingSetSize;
                public uint ActiveProcessLimit;
                public UIntPtr Affinity;
                public uint PriorityClass;
                public uint SchedulingClass;
            }

            [StructLayout(LayoutKind.Sequential)]
            public struct IO_COUNTERS
            {
                public ulong ReadOperationCount;
                public ulong WriteOperationCount;
                public ulong OtherOperationCount;
                public ulong ReadTransferCount;
                public ulong WriteTransferCount;
                public ulong OtherTransferCount;
            }

            [StructLayout(LayoutKind.Sequential)]
            public struct JOBOBJECT_EXTENDED_LIMIT_INFORMATION
            {
                public JOBOBJECT_BASIC_LIMIT_INFORMATION BasicLimitInformation;
                public IO_COUNTERS IoInfo;
                public UIntPtr ProcessMemoryLimit;
                public UIntPtr JobMemoryLimit;
                public UIntPtr PeakProcessMemoryUsed;
                public UIntPtr PeakJobMemoryUsed;
            }

            [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode, ExactSpelling = true)]
            [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
            public static extern JobHandle CreateJobObjectW(IntPtr attributes, string? name);

            [DllImport("kernel32.dll", SetLastError = true, ExactSpelling = true)]
            [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
            [return: MarshalAs(UnmanagedType.Bool)]
            public static extern bool SetInformationJobObject(JobHandle job, int infoClass, ref JOBOBJECT_EXTENDED_LIMIT_INFORMATION info, uint length);

            [DllImport("kernel32.dll", SetLastError = true, ExactSpelling = true)]
            [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
            [return: MarshalAs(UnmanagedType.Bool)]
            public static extern bool QueryInformationJobObject(JobHandle job, int infoClass, IntPtr info, uint length, IntPtr returnLength);

            [DllImport("kernel32.dll", SetLastError = true, ExactSpelling = true)]
            [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
            [return: MarshalAs(UnmanagedType.Bool)]
            public static extern bool AssignProcessToJobObject(JobHandle job, IntPtr process);

            [DllImport("kernel32.dll", SetLastError = true, ExactSpelling = true)]
            [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
            [return: MarshalAs(UnmanagedType.Bool)]
            public static extern bool TerminateJobObject(JobHandle job, uint exitCode);

            [DllImport("kernel32.dll", SetLastError = true, ExactSpelling = true)]
            [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
            [return: MarshalAs(UnmanagedType.Bool)]
            public static extern bool CloseHandle(IntPtr handle);
        }
    }
}
