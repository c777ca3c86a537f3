using System;
using System.IO;
using System.Text;

namespace ParallelJobs.Output
{
    /// <summary>
    /// A text file of the run written one whole line at a time, each with a single unbuffered write
    /// (commands.tsv, the job log). A failed write never throws into the run: the first failure is said once
    /// through <c>warn</c>, and the file then takes no more lines, so a line cut short by a full disk is
    /// the file's last (which is what a reader of an interrupted file expects) and never sits in its middle.
    /// </summary>
    internal sealed class LineFile : IDisposable
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);
        private readonly FileStream _stream;
        private readonly string _path;
        private readonly Func<string, string> _describeFailure;
        private readonly Action<string>? _warn;
        private readonly object _lock = new object();
        private bool _failed;

        /// <param name="stream">Opened for writing, positioned where lines go; unbuffered (buffer size 0 or 1).</param>
        /// <param name="describeFailure">From the reason of the failure to the warning (which should name the file and what is lost).</param>
        public LineFile(FileStream stream, string path, Func<string, string> describeFailure, Action<string>? warn)
        {
            _stream = stream;
            _path = path;
            _describeFailure = describeFailure;
            _warn = warn;
        }

        /// <summary>False when the line was not written (now or after an earlier failure).</summary>
        public bool WriteLine(string line)
        {
            byte[] bytes = Utf8.GetBytes(line + Environment.NewLine);
            string? warning = null;
            lock (_lock)
            {
                if (_failed) return false;
                try
                {
                    _stream.Write(bytes, 0, bytes.Length);
                    return true;
                }
                catch (Exception e) when (WriteFailure.IsWriteFailure(e))
                {
                    _failed = true;
                    warning = _describeFailure(WriteFailure.Reason(e, _path));
                }
            }
            _warn?.Invoke(warning);
            return false;
        }

        public void Dispose()
        {
            lock (_lock)
            {
                try { _stream.Dispose(); }
                catch (Exception e) when (WriteFailure.IsWriteFailure(e)) { /* nothing is buffered; closing cannot lose a line */ }
            }
        }
    }
}
