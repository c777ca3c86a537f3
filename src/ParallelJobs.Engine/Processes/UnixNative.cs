using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;

namespace ParallelJobs.Processes
{
    /// <summary>
    /// The libc calls the engine needs on Linux and macOS, and the constants that differ between the two.
    /// None of these functions is variadic: a variadic call (fcntl, open) cannot be declared portably,
    /// because Apple's arm64 ABI passes variadic arguments on the stack.
    /// </summary>
    internal static unsafe class UnixNative
    {
        private const string Lib = "libc";

        public static readonly bool IsLinux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
        public static readonly bool IsMacOS = RuntimeInformation.IsOSPlatform(OSPlatform.OSX);

        public const int SIGKILL = 9;
        public const int SIGTERM = 15;
        public static int SigCont => IsLinux ? 18 : 19;
        public static int SigStop => IsLinux ? 19 : 17;
        public static int SigChld => IsLinux ? 17 : 20;

        public const int EINTR = 4;
        public const int ENOENT = 2;
        public const int ESRCH = 3;
        public const int EACCES = 13;
        public const int ECHILD = 10;

        public const int O_RDONLY = 0;
        public const int X_OK = 1;

        public const short POLLIN = 0x1;

        public const int P_PID = 1;
        public const int WNOHANG = 1;
        public const int WEXITED = 4;
        public static int WNOWAIT => IsLinux ? 0x01000000 : 0x20;

        public const short POSIX_SPAWN_SETPGROUP = 0x02;
        public const short POSIX_SPAWN_SETSIGDEF = 0x04;
        public const short POSIX_SPAWN_SETSIGMASK = 0x08;
        /// <summary>Apple's extension: the child inherits no descriptor that the file actions do not name.</summary>
        public const short POSIX_SPAWN_CLOEXEC_DEFAULT = 0x4000;

        /// <summary>Room for posix_spawn_file_actions_t, posix_spawnattr_t, sigset_t or struct sigaction on either system (glibc's largest, posix_spawnattr_t, is 336 bytes; Apple's are pointers).</summary>
        public const int OpaqueSize = 1024;

        [StructLayout(LayoutKind.Sequential)]
        public struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }

        [DllImport(Lib, EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);

        [DllImport(Lib, EntryPoint = "readlink", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        private static extern long ReadLink(string path, byte[] buffer, long size);

        [DllImport(Lib, EntryPoint = "getpid")]
        public static extern int GetPid();

        /// <summary>This process's own process group.</summary>
        [DllImport(Lib, EntryPoint = "getpgrp")]
        public static extern int GetProcessGroup();

        [DllImport(Lib, EntryPoint = "access", SetLastError = true)]
        public static extern int Access(byte* path, int mode);

        /// <summary>mkdir(2): fails (EEXIST) when the directory exists, which makes it an atomic claim.</summary>
        [DllImport(Lib, EntryPoint = "mkdir", SetLastError = true)]
        public static extern int MakeDirectory(byte* path, uint mode);

        [DllImport(Lib, EntryPoint = "sigaction", SetLastError = true)]
        public static extern int SigAction(int signal, void* action, void* oldAction);

        [DllImport(Lib, EntryPoint = "sigemptyset")]
        public static extern int SigEmptySet(void* set);

        [DllImport(Lib, EntryPoint = "sigfillset")]
        public static extern int SigFillSet(void* set);

        [DllImport(Lib, EntryPoint = "sigdelset")]
        public static extern int SigDelSet(void* set, int signal);

        [DllImport(Lib, EntryPoint = "posix_spawn_file_actions_init")]
        public static extern int FileActionsInit(void* actions);

        [DllImport(Lib, EntryPoint = "posix_spawn_file_actions_destroy")]
        public static extern int FileActionsDestroy(void* actions);

        [DllImport(Lib, EntryPoint = "posix_spawn_file_actions_adddup2")]
        public static extern int FileActionsAddDup2(void* actions, int fd, int newFd);

        [DllImport(Lib, EntryPoint = "posix_spawn_file_actions_addopen")]
        public static extern int FileActionsAddOpen(void* actions, int fd, byte* path, int flags, int mode);

        /// <summary>glibc 2.29 and later, macOS 10.15 and later.</summary>
        [DllImport(Lib, EntryPoint = "posix_spawn_file_actions_addchdir_np")]
        public static extern int FileActionsAddChdir(void* actions, byte* path);

        [DllImport(Lib, EntryPoint = "posix_spawnattr_init")]
        public static extern int AttrInit(void* attr);

        [DllImport(Lib, EntryPoint = "posix_spawnattr_destroy")]
        public static extern int AttrDestroy(void* attr);

        [DllImport(Lib, EntryPoint = "posix_spawnattr_setflags")]
        public static extern int AttrSetFlags(void* attr, short flags);

        [DllImport(Lib, EntryPoint = "posix_spawnattr_setpgroup")]
        public static extern int AttrSetPGroup(void* attr, int pgroup);

        [DllImport(Lib, EntryPoint = "posix_spawnattr_setsigmask")]
        public static extern int AttrSetSigMask(void* attr, void* set);

        [DllImport(Lib, EntryPoint = "posix_spawnattr_setsigdefault")]
        public static extern int AttrSetSigDefault(void* attr, void* set);

        /// <summary>Returns 0 or an error number (it does not set errno).</summary>
        [DllImport(Lib, EntryPoint = "posix_spawn")]
        public static extern int PosixSpawn(int* pid, byte* path, void* actions, void* attr, IntPtr* argv, IntPtr* envp);

        [DllImport(Lib, EntryPoint = "waitid", SetLastError = true)]
        public static extern int WaitId(int idType, int id, void* info, int options);

        [DllImport(Lib, EntryPoint = "waitpid", SetLastError = true)]
        public static extern int WaitPid(int pid, int* status, int options);

        [DllImport(Lib, EntryPoint = "poll", SetLastError = true)]
        public static extern int Poll(PollFd* fds, UIntPtr count, int timeout);

        [DllImport(Lib, EntryPoint = "read", SetLastError = true)]
        public static extern IntPtr Read(int fd, byte* buffer, IntPtr count);

        public static string? TryReadLink(string path)
        {
            var buffer = new byte[256];
            long n = ReadLink(path, buffer, buffer.Length);
            return n <= 0 ? null : Encoding.UTF8.GetString(buffer, 0, (int)n);
        }

        /// <summary>The system's text for an error number, such as "No such file or directory".</summary>
        public static string ErrorText(int errno) => new Win32Exception(errno).Message;

        /// <summary>A NUL-terminated UTF-8 copy of a string, for a call that takes a path.</summary>
        public static byte[] Utf8z(string value)
        {
            var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
            Encoding.UTF8.GetBytes(value, 0, value.Length, bytes, 0);
            return bytes;
        }
    }
}
