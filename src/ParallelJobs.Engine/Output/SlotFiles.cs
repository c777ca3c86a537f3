using System;
using System.IO;

namespace ParallelJobs.Output
{
    /// <summary>The two files of one slot, opened on first use and kept open for the run.</summary>
    internal sealed class SlotFiles : IDisposable
    {
        private readonly FileStream _out;
        private readonly FileStream _err;

        public SlotFiles(string outPath, string errPath)
        {
            OutPath = outPath;
            ErrPath = errPath;
            _out = new FileStream(outPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 64 * 1024);
            _err = new FileStream(errPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 64 * 1024);
        }

        public string OutPath { get; }
        public string ErrPath { get; }
        public long OutPosition => _out.Position;
        public long ErrPosition => _err.Position;

        public void Write(StreamKind kind, byte[] buffer, int count)
        {
            var fs = kind == StreamKind.Output ? _out : _err;
            lock (fs) fs.Write(buffer, 0, count);
        }

        /// <summary>Called when a command ends, so the files hold all of it before its result is seen.</summary>
        public void Flush()
        {
            lock (_out) _out.Flush();
            lock (_err) _err.Flush();
        }

        public void Dispose()
        {
            lock (_out) _out.Dispose();
            lock (_err) _err.Dispose();
        }
    }
}
