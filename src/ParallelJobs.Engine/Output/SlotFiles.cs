using System;
using System.IO;

namespace ParallelJobs.Output
{
    /// <summary>
    /// The two files of one slot, opened when the slot is first used and kept open for the run. Writes are
    /// unbuffered (the pipes are read in 16 KB chunks already), so nothing waits in memory for a flush that
    /// could fail later. No write throws: a file that fails (a full disk, a deleted directory) takes no more
    /// bytes for the rest of the run, and each command whose bytes were lost is told so by
    /// <see cref="EndCommand"/>. A slot runs one command at a time, so per-command state needs no more than that.
    /// </summary>
    internal sealed class SlotFiles : IDisposable
    {
        private readonly Sink _out;
        private readonly Sink _err;
        private readonly Action<string, Exception?>? _onFileLost;

        /// <param name="onFileLost">Told the path (and the exception, if any) when a file cannot be opened, or
        /// turns out deleted; the set of files says it once as a warning.</param>
        public SlotFiles(string outPath, string errPath, Action<string, Exception?>? onFileLost = null)
        {
            _onFileLost = onFileLost;
            _out = new Sink(outPath);
            _err = new Sink(errPath);
            if (_out.OpenError != null) _onFileLost?.Invoke(outPath, _out.OpenError);
            if (_err.OpenError != null) _onFileLost?.Invoke(errPath, _err.OpenError);
        }

        public string OutPath => _out.Path;
        public string ErrPath => _err.Path;
        /// <summary>Bytes written to slot-k.out so far: where the next command's stdout starts.</summary>
        public long OutPosition => _out.Written;
        public long ErrPosition => _err.Written;

        /// <summary>A command of this slot starts: what it loses is counted from here.</summary>
        public void BeginCommand()
        {
            _out.BeginCommand();
            _err.BeginCommand();
        }

        public void Write(StreamKind kind, byte[] buffer, int count) => (kind == StreamKind.Output ? _out : _err).Write(buffer, count);

        /// <summary>
        /// Called when a command ends (before its result is seen): why some of its output since
        /// <see cref="BeginCommand"/> is not in the files, naming them; null when every byte is there.
        /// </summary>
        public string? EndCommand()
        {
            string? outError = _out.EndCommand(_onFileLost);
            string? errError = _err.EndCommand(_onFileLost);
            return outError == null ? errError : errError == null ? outError : outError + " " + errError;
        }

        public void Dispose()
        {
            _out.Dispose();
            _err.Dispose();
        }

        private sealed class Sink : IDisposable
        {
            private FileStream? _stream;
            private string? _failure;      // why the file takes no more bytes
            private string? _commandError; // what the current command lost, and why
            private bool _commandWrote;

            public Sink(string path)
            {
                Path = path;
                try
                {
                    _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 1);
                }
                catch (Exception e) when (WriteFailure.IsWriteFailure(e))
                {
                    OpenError = e;
                    _failure = WriteFailure.Reason(e, path);
                }
            }

            public string Path { get; }
            public Exception? OpenError { get; }
            public long Written { get; private set; }

            public void BeginCommand()
            {
                lock (this)
                {
                    _commandError = null;
                    _commandWrote = false;
                }
            }

            public void Write(byte[] buffer, int count)
            {
                lock (this)
                {
                    if (_failure != null)
                    {
                        _commandError ??= $"Output not written to '{Path}': the file failed earlier in the run ({_failure}).";
                        return;
                    }
                    try
                    {
                        _stream!.Write(buffer, 0, count);
                        Written += count;
                        _commandWrote = true;
                    }
                    catch (Exception e) when (WriteFailure.IsWriteFailure(e))
                    {
                        _failure = WriteFailure.Reason(e, Path);
                        _commandError = $"Could not write to '{Path}': {_failure}; the file takes no more output for the rest of the run.";
                        Close();
                    }
                }
            }

            public string? EndCommand(Action<string, Exception?>? onFileLost)
            {
                bool deleted;
                lock (this)
                {
                    if (_commandError != null) return _commandError;
                    // Bytes written into a file someone deleted are lost just the same.
                    deleted = _commandWrote && !File.Exists(Path);
                    if (deleted)
                    {
                        _failure = "it was deleted during the run";
                        _commandError = $"Output not kept: '{Path}' was deleted during the run, with this command's output in it.";
                        Close();
                    }
                }
                if (deleted) onFileLost?.Invoke(Path, null);
                return _commandError;
            }

            private void Close()
            {
                try { _stream?.Dispose(); }
                catch (Exception e) when (WriteFailure.IsWriteFailure(e)) { /* unbuffered: nothing is lost by closing */ }
                _stream = null;
            }

            public void Dispose()
            {
                lock (this) Close();
            }
        }
    }
}
