using System;

namespace ParallelJobs.Processes
{
    /// <summary>
    /// Chooses how commands start on this machine: <see cref="PosixSpawnLauncher"/> on Linux and macOS,
    /// .NET's Process on Windows and wherever posix_spawn cannot serve (then <see cref="FallbackReason"/>
    /// says why, and exit statuses are as .NET reports them).
    /// </summary>
    internal static class LocalLauncher
    {
        private static readonly Lazy<IProcessLauncher> Chosen = new Lazy<IProcessLauncher>(Choose);
        private static string? _fallbackReason;

        public static IProcessLauncher Default => Chosen.Value;

        /// <summary>Why .NET's Process is used instead of posix_spawn; null when it is not, or on Windows.</summary>
        public static string? FallbackReason
        {
            get
            {
                _ = Chosen.Value;
                return _fallbackReason;
            }
        }

        private static IProcessLauncher Choose()
        {
            if (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows))
                return new DotNetProcessLauncher();
            var spawn = PosixSpawnLauncher.TryCreate(out var reason);
            if (spawn != null) return new Guarded(spawn);
            _fallbackReason = reason;
            return new DotNetProcessLauncher();
        }

        /// <summary>Switches to .NET's Process for good should a libc call turn out to be missing at the first use.</summary>
        private sealed class Guarded : IProcessLauncher
        {
            private readonly IProcessLauncher _primary;
            private volatile IProcessLauncher? _fallback;

            public Guarded(IProcessLauncher primary) => _primary = primary;

            public ILaunchedProcess Start(ProcessStartRequest request)
            {
                var fallback = _fallback;
                if (fallback != null) return fallback.Start(request);
                try
                {
                    return _primary.Start(request);
                }
                catch (Exception e) when (e is EntryPointNotFoundException || e is DllNotFoundException)
                {
                    _fallbackReason = "libc lacks a function the launcher needs: " + e.Message;
                    _fallback = fallback = new DotNetProcessLauncher();
                    return fallback.Start(request);
                }
            }
        }
    }
}
