using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace ParallelJobs.Quality
{
    /// <summary>
    /// Computes quality distributions in parallel: inputs arrive with <see cref="Add"/>, their files are queued,
    /// and ThrottleLimit worker threads (slots 0..T-1, in this process) each take the next file, parse it into
    /// their own histogram and, only if the whole file is valid, add it to its input's total. Results, errors and
    /// progress come back through one thread-safe queue (<see cref="TryTake"/>), so a caller such as a cmdlet can
    /// write them on its own thread. Histograms merge by addition, so the numbers do not depend on the number of
    /// workers or on which worker read which file.
    /// </summary>
    public sealed class QualityDistributionRun : IDisposable
    {
        private readonly QualityRunOptions _options;
        private readonly CancellationTokenSource _cancellation;
        private readonly BlockingCollection<FileWork> _work = new BlockingCollection<FileWork>();
        private readonly BlockingCollection<QualityRunEvent> _events = new BlockingCollection<QualityRunEvent>();
        private readonly Thread[] _workers;
        private readonly QualityInputAccumulator? _merged;
        private readonly int _processId;
        private readonly object _progressGate = new object();
        private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();
        private int _liveWorkers;
        private long _order;
        private int _filesTotal, _filesCompleted, _filesFailed;
        private long _bytesTotal, _bytesCompleted;
        private bool _completed;

        public QualityDistributionRun(QualityRunOptions options, CancellationToken cancellationToken = default)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            if (options.ThrottleLimit < 1) throw new ArgumentOutOfRangeException(nameof(options), "ThrottleLimit must be at least 1.");
            if (options.PhredOffset != null && options.PhredOffset != 33 && options.PhredOffset != 64)
                throw new ArgumentOutOfRangeException(nameof(options), "PhredOffset must be 33 or 64.");
            _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using (var self = Process.GetCurrentProcess()) _processId = self.Id;
            if (options.Merge) _merged = new QualityInputAccumulator(options.MergedName, "");

            _workers = new Thread[options.ThrottleLimit];
            _liveWorkers = _workers.Length;
            for (int slot = 0; slot < _workers.Length; slot++)
            {
                int workerSlot = slot;
                _workers[slot] = new Thread(() => Work(workerSlot)) { IsBackground = true, Name = "QualityDistribution slot " + slot };
                _workers[slot].Start();
            }
        }

        /// <summary>Queues the files of an input. A directory without quality files gives a NoQualityFiles error event.</summary>
        public void Add(QualityInput input)
        {
            if (input == null) throw new ArgumentNullException(nameof(input));
            if (_completed) throw new InvalidOperationException("Complete() was called; no more inputs are accepted.");
            if (input.Files.Count == 0)
            {
                Post(QualityRunEvent.ForError(new QualityFileError(QualityErrorKind.NoQualityFiles, input.Path, 0,
                    "no quality files (.qual, .fastq, .fq, or their .gz forms) in the directory", 0)));
                return;
            }
            var accumulator = _merged ?? new QualityInputAccumulator(input.Name, input.Path);
            accumulator.AddFiles(input.Files);
            foreach (string file in input.Files)
            {
                long size = 0;
                try { size = new FileInfo(file).Length; } catch (IOException) { } catch (UnauthorizedAccessException) { }
                lock (_progressGate) { _filesTotal++; _bytesTotal += size; }
                try { _work.Add(new FileWork(accumulator, file, size, Interlocked.Increment(ref _order))); }
                catch (InvalidOperationException) when (_cancellation.IsCancellationRequested) { return; }
            }
        }

        /// <summary>No more inputs: the run finishes when the queued files are done.</summary>
        public void Complete()
        {
            _completed = true;
            _work.CompleteAdding();
        }

        /// <summary>Stops the workers promptly (they check between chunks of about a megabyte); no more results come.</summary>
        public void Cancel()
        {
            try { _cancellation.Cancel(); } catch (ObjectDisposedException) { }
        }

        /// <summary>True when every event has been posted and taken.</summary>
        public bool IsFinished => _events.IsCompleted;

        /// <summary>Next event, waiting at most the timeout (0: don't wait; -1: wait). False on time-out or when finished.</summary>
        public bool TryTake(out QualityRunEvent? runEvent, int millisecondsTimeout)
        {
            try
            {
                return _events.TryTake(out runEvent, millisecondsTimeout);
            }
            catch (InvalidOperationException)
            {
                runEvent = null;
                return false;
            }
        }

        /// <summary>
        /// The whole computation in one call, for scripts and benchmarks: every input, then the results (in
        /// completion order) and errors.
        /// </summary>
        public static QualityRunSummary Compute(IEnumerable<QualityInput> inputs, QualityRunOptions options, CancellationToken cancellationToken = default)
        {
            if (inputs == null) throw new ArgumentNullException(nameof(inputs));
            var distributions = new List<QualityDistribution>();
            var errors = new List<QualityFileError>();
            using (var run = new QualityDistributionRun(options, cancellationToken))
            {
                foreach (var input in inputs) run.Add(input);
                run.Complete();
                while (run.TryTake(out var runEvent, Timeout.Infinite))
                {
                    if (runEvent!.Kind == QualityRunEventKind.Result) distributions.Add(runEvent.Distribution!);
                    else if (runEvent.Kind == QualityRunEventKind.Error) errors.Add(runEvent.Error!);
                }
                cancellationToken.ThrowIfCancellationRequested();
            }
            return new QualityRunSummary(distributions, errors);
        }

        /// <summary>How long Dispose waits for workers to notice the cancellation before it leaves them behind.</summary>
        private static readonly TimeSpan WorkerGrace = TimeSpan.FromSeconds(2);

        /// <summary>
        /// Cancels and waits for the workers, but not for ever: a worker blocked in the kernel (a FIFO, a hung
        /// network share) cannot see the token, and Ctrl+C must still return. Such a worker is a background
        /// thread; it ends by itself when its read returns, and nothing reads what it produces.
        /// </summary>
        public void Dispose()
        {
            Cancel();
            try { _work.CompleteAdding(); } catch (ObjectDisposedException) { }
            var deadline = DateTime.UtcNow + WorkerGrace;
            bool allEnded = true;
            foreach (var worker in _workers)
            {
                var left = deadline - DateTime.UtcNow;
                if (!worker.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero)) allEnded = false;
            }
            // A worker still running may still look at the token; its source stays alive for it.
            if (allEnded) _cancellation.Dispose();
        }

        private void Work(int slot)
        {
            var histogram = new QualityHistogram();
            var buffer = RetainedArrays<byte>.Rent(QualityFileReader.BufferSize);
            CancellationToken token = _cancellation.Token;
            try
            {
                foreach (FileWork item in _work.GetConsumingEnumerable(token))
                {
                    ReadFile(item, slot, histogram, buffer, token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                histogram.Release();
                RetainedArrays<byte>.Return(buffer);
                if (Interlocked.Decrement(ref _liveWorkers) == 0) Finish();
            }
        }

        private void ReadFile(FileWork item, int slot, QualityHistogram histogram, byte[] buffer, CancellationToken token)
        {
            item.Accumulator.Started(Stopwatch.GetTimestamp());
            histogram.Clear();
            int pending;
            bool failed = true;
            try
            {
                QualityFileScan scan = QualityFileReader.Read(item.Path, histogram, buffer, _options.PhredOffset, token);
                pending = item.Accumulator.Completed(histogram, scan, slot, item.Order, Stopwatch.GetTimestamp());
                failed = false;
            }
            catch (QualityFormatException e)
            {
                pending = item.Accumulator.Failed(slot, item.Order, Stopwatch.GetTimestamp());
                Post(QualityRunEvent.ForError(new QualityFileError(QualityErrorKind.InvalidFile, item.Path, e.Line, e.Message, e.RecordsBeforeError)));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is NotSupportedException)
            {
                pending = item.Accumulator.Failed(slot, item.Order, Stopwatch.GetTimestamp());
                Post(QualityRunEvent.ForError(new QualityFileError(QualityErrorKind.UnreadableFile, item.Path, 0, e.Message, 0)));
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                // A bug must not take the user's whole session down with an unhandled exception on a worker thread.
                pending = item.Accumulator.Failed(slot, item.Order, Stopwatch.GetTimestamp());
                Post(QualityRunEvent.ForError(new QualityFileError(QualityErrorKind.InvalidFile, item.Path, 0, "unexpected " + e.GetType().Name + ": " + e.Message, 0)));
            }

            if (pending == 0 && _merged == null && !token.IsCancellationRequested)
                Post(QualityRunEvent.ForResult(item.Accumulator.TakeDistribution(_processId)));
            ReportProgress(item.Size, failed, force: false);
        }

        private void ReportProgress(long bytes, bool failed, bool force)
        {
            QualityRunProgress? progress = null;
            lock (_progressGate)
            {
                _filesCompleted++;
                _bytesCompleted += bytes;
                if (failed) _filesFailed++;
                if (force || _sinceProgress.Elapsed >= _options.ProgressInterval)
                {
                    _sinceProgress.Restart();
                    progress = new QualityRunProgress(_filesCompleted, _filesTotal, _filesFailed, _bytesCompleted, _bytesTotal);
                }
            }
            if (progress != null) Post(QualityRunEvent.ForProgress(progress));
        }

        private void Finish()
        {
            if (!_cancellation.IsCancellationRequested)
            {
                if (_merged != null && _filesTotal > 0) Post(QualityRunEvent.ForResult(_merged.TakeDistribution(_processId)));
                lock (_progressGate)
                {
                    Post(QualityRunEvent.ForProgress(new QualityRunProgress(_filesCompleted, _filesTotal, _filesFailed, _bytesCompleted, _bytesTotal)));
                }
            }
            _events.CompleteAdding();
        }

        private void Post(QualityRunEvent runEvent)
        {
            try { _events.Add(runEvent); }
            catch (InvalidOperationException) { }
        }

        private sealed class FileWork
        {
            public FileWork(QualityInputAccumulator accumulator, string path, long size, long order)
            {
                Accumulator = accumulator;
                Path = path;
                Size = size;
                Order = order;
            }

            public QualityInputAccumulator Accumulator { get; }
            public string Path { get; }
            public long Size { get; }
            public long Order { get; }
        }
    }
}
