using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using ParallelJobs.Parsing;
using ParallelJobs.Runs;
using ParallelJobs.Statistics;

namespace ParallelJobs.Quality
{
    /// <summary>
    /// Computes quality distributions in parallel: inputs arrive with <see cref="Add"/>, their files are queued,
    /// and ThrottleLimit worker threads (slots 0..T-1, in this process) each take the next file, parse it into
    /// their own histogram and, only if the whole file is valid, add it to its input's total. Results, errors and
    /// warnings come back through the engine's event channel (<see cref="Events"/>), so a caller such as a cmdlet
    /// can write them on its own thread; how far the run has got is asked for (<see cref="GetProgress"/>).
    /// Histograms merge by addition, so the numbers do not depend on the number of workers or on which worker read
    /// which file. Results come in the order the inputs were added, whatever order their files are finished in: a
    /// result that is ready waits for the results of the inputs added before it (errors and warnings come at once).
    /// </summary>
    internal sealed class QualityDistributionRun : IEngineRun<QualityRunEvent>
    {
        private readonly QualityRunOptions _options;
        private readonly CancellationTokenSource _cancellation;
        private readonly BlockingCollection<FileWork> _work = new BlockingCollection<FileWork>();
        private readonly Thread[] _workers;
        private readonly QualityInputAccumulator? _merged;
        private readonly int _processId;
        private readonly object _progressGate = new object();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _liveWorkers;
        private long _order;
        private int _filesTotal, _filesCompleted, _filesFailed, _filesRunning;
        private long _bytesTotal, _bytesCompleted;
        private bool _completed;
        // Results in input order: each input gets the next sequence number; a finished one waits in _finished
        // until every input before it is done (an input without a result, such as a directory without quality
        // files, is done at once, with null).
        private readonly object _orderGate = new object();
        private readonly Dictionary<long, QualityDistribution?> _finished = new Dictionary<long, QualityDistribution?>();
        private long _inputsAdded;
        private long _nextResult;

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

        /// <summary>
        /// Queues the files of an input, after reporting what finding them met (<see cref="QualityInput.Errors"/>
        /// and <see cref="QualityInput.Warnings"/>). A directory without quality files gives a NoQualityFiles error event.
        /// </summary>
        public void Add(QualityInput input)
        {
            if (input == null) throw new ArgumentNullException(nameof(input));
            if (_completed) throw new InvalidOperationException("Complete() was called; no more inputs are accepted.");
            foreach (var error in input.Errors) Post(QualityRunEvent.ForError(error));
            foreach (var warning in input.Warnings) Post(QualityRunEvent.ForWarning(warning));
            if (input.IsDirectory)
                Post(QualityRunEvent.ForVerbose(input.Path + ": " + Count(input.Files.Count, "quality file") + " to read"
                    + (input.Skipped.Count > 0 ? "; " + Count(input.Skipped.Count, "other file") + " skipped (not .qual, .fastq, .fq or their .gz)" : "")));
            foreach (string skipped in input.Skipped) Post(QualityRunEvent.ForVerbose(skipped + ": skipped, not a quality file by its name"));
            long sequence = Interlocked.Increment(ref _inputsAdded) - 1;
            if (input.Files.Count == 0)
            {
                Post(QualityRunEvent.ForError(new QualityFileError(QualityErrorKind.NoQualityFiles, input.Path, 0,
                    "no quality files (.qual, .fastq, .fq, or their .gz forms) in the directory", 0)));
                if (_merged == null) InputDone(sequence, null);
                return;
            }
            var accumulator = _merged ?? new QualityInputAccumulator(input.Name, input.Path, sequence);
            // Read pairs (names that differ only in _R1/_R2; with -Paired also _1/_2): both mates count, or neither.
            // With -Paired a file without a mate is an error and is not read.
            var pairs = Pairs.ReadPairCheck.FindPairs(input.Files, _options.Paired, out List<string> unpaired);
            var files = new List<string>(input.Files);
            if (_options.Paired)
            {
                foreach (string alone in unpaired)
                {
                    Post(QualityRunEvent.ForError(new QualityFileError(QualityErrorKind.InvalidFile, alone, 0,
                        "-Paired: no mate (a file whose name differs only in _R1/_R2 or _1/_2) in the same input", 0)));
                    files.Remove(alone);
                }
                if (files.Count == 0)
                {
                    if (_merged == null) InputDone(sequence, null);
                    return;
                }
            }
            accumulator.PairDropped ??= (path, message) => Post(QualityRunEvent.ForError(new QualityFileError(QualityErrorKind.InvalidFile, path, 0, message, 0)));
            accumulator.AddFiles(files);
            HashSet<string>? mates = pairs.Count == 0 ? null : new HashSet<string>(StringComparer.Ordinal);
            foreach (var (first, second) in pairs)
            {
                accumulator.AddPair(first, second);
                mates!.Add(first);
                mates.Add(second);
                try { _work.Add(new FileWork(accumulator, first, 0, Interlocked.Increment(ref _order), null, 0) { Mate = second }); }
                catch (InvalidOperationException) when (_cancellation.IsCancellationRequested) { return; }
            }
            foreach (string file in files)
            {
                long size = 0;
                try { size = new FileInfo(file).Length; } catch (IOException) { } catch (UnauthorizedAccessException) { }
                lock (_progressGate) { _filesTotal++; _bytesTotal += size; }
                long order = Interlocked.Increment(ref _order);
                try
                {
                    // A large plain file is shared by the workers in byte ranges; anything else is read whole by one.
                    if (_workers.Length > 1 && QualityFileReader.CanSplit(file, size, _options.MinimumRangeBytes, out QualityFileFormat format))
                    {
                        var split = new SplitFile(format, size, RangeCount(size), _cancellation.Token);
                        for (int range = 0; range < split.Ranges; range++) _work.Add(new FileWork(accumulator, file, size, order, split, range));
                    }
                    else _work.Add(new FileWork(accumulator, file, size, order, null, 0) { IsMate = mates != null && mates.Contains(file) });
                }
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

        /// <summary>Results, errors and warnings, in order; drained once the workers have finished (or stopped).</summary>
        public RunEventChannel<QualityRunEvent> Events { get; } = new RunEventChannel<QualityRunEvent>();

        /// <summary>Files and their bytes: queued so far, being read, done, failed.</summary>
        public RunProgress GetProgress()
        {
            lock (_progressGate)
            {
                return new RunProgress("files", _filesTotal, _filesCompleted, _filesRunning, _filesFailed, _completed, _clock.Elapsed,
                    _bytesCompleted, _bytesTotal);
            }
        }

        /// <summary>
        /// The whole computation in one call, for scripts and benchmarks: every input, then the results (in
        /// input order), errors and warnings.
        /// </summary>
        public static QualityRunSummary Compute(IEnumerable<QualityInput> inputs, QualityRunOptions options, CancellationToken cancellationToken = default)
        {
            if (inputs == null) throw new ArgumentNullException(nameof(inputs));
            var distributions = new List<QualityDistribution>();
            var errors = new List<QualityFileError>();
            var warnings = new List<QualityFileWarning>();
            using (var run = new QualityDistributionRun(options, cancellationToken))
            {
                foreach (var input in inputs) run.Add(input);
                run.Complete();
                run.Events.Drain(runEvent =>
                {
                    if (runEvent.Kind == QualityRunEventKind.Result) distributions.Add(runEvent.Distribution!);
                    else if (runEvent.Kind == QualityRunEventKind.Error) errors.Add(runEvent.Error!);
                    else if (runEvent.Kind == QualityRunEventKind.Warning) warnings.Add(runEvent.Warning!);
                }, untilDrained: true);
                cancellationToken.ThrowIfCancellationRequested();
            }
            return new QualityRunSummary(distributions, errors, warnings);
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
            var histogram = new QualityHistogram { Reads = _options.PerRead ? new ReadMetrics() : null };
            var buffer = RetainedArrays<byte>.Rent(QualityFileReader.BufferSize);
            var totals = new WorkerRunningTotals(_options.PerRead);
            CancellationToken token = _cancellation.Token;
            try
            {
                while (true)
                {
                    if (!_work.TryTake(out FileWork? item))
                    {
                        // Nothing held back while this worker waits: its input may be waiting for these files.
                        HandOver(totals, slot, token);
                        if (!_work.TryTake(out item, Timeout.Infinite, token)) break;
                    }
                    if (totals.Accumulator != null && !ReferenceEquals(totals.Accumulator, item!.Accumulator)) HandOver(totals, slot, token);
                    Interlocked.Increment(ref _busyWorkers);
                    try
                    {
                        if (item!.Mate != null) CheckPair(item, token);
                        else if (item.Split != null) ReadRange(item, slot, histogram, buffer, token);
                        else ReadFile(item, slot, histogram, buffer, token, item.Size, totals);
                    }
                    finally { Interlocked.Decrement(ref _busyWorkers); }
                }
                HandOver(totals, slot, token);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                totals.Release();
                histogram.Release();
                RetainedArrays<byte>.Return(buffer);
                if (Interlocked.Decrement(ref _liveWorkers) == 0) Finish();
            }
        }

        /// <summary>
        /// Ranges per split file: as many as fit at least <see cref="QualityRunOptions.MinimumRangeBytes"/> each, up
        /// to 16 per worker. Many small ranges, not one per worker, so that a worker slowed down (a busy machine,
        /// a shared VM) leaves its share to the others instead of holding up the end of the file.
        /// </summary>
        private int RangeCount(long size) => (int)Math.Max(2, Math.Min(16L * _workers.Length, size / _options.MinimumRangeBytes));

        /// <summary>For tests: files read in byte ranges whose ranges fit together, and files read whole again because they did not.</summary>
        internal int FilesReadInRanges => Volatile.Read(ref _filesReadInRanges);
        internal int FilesReadWholeAfterRanges => Volatile.Read(ref _filesReadWholeAfterRanges);
        private int _filesReadInRanges, _filesReadWholeAfterRanges;

        /// <summary>
        /// One byte range of a split file, into this worker's histogram and then into the file's. The worker that
        /// finishes the last range checks that the ranges fit together (each ends where the next one starts,
        /// the first at 0, the last at the end) and that none failed; then the file counts as one valid file. If
        /// not — a defect anywhere, a record layout the resynchronisation could not read, Solexa-looking
        /// qualities — that worker reads the whole file as if it had never been split, which gives exactly the
        /// numbers or the error (with its line) that an unsplit read gives.
        /// </summary>
        private void ReadRange(FileWork item, int slot, QualityHistogram histogram, byte[] buffer, CancellationToken token)
        {
            SplitFile split = item.Split!;
            if (split.Begin()) CountStarted();
            item.Accumulator.Started(Stopwatch.GetTimestamp());
            histogram.Clear();
            long nominalStart = split.NominalStart(item.Range);
            long nominalEnd = split.NominalStart(item.Range + 1);
            QualityFileReader.RangeScan? range = null;
            try
            {
                range = QualityFileReader.ReadRange(item.Path, split.Format, nominalStart, item.Range == split.Ranges - 1 ? long.MaxValue : nominalEnd,
                    histogram, buffer, _options.PhredOffset, split.Token);
            }
            catch (Exception e) when (!(e is OperationCanceledException) || !token.IsCancellationRequested)
            {
                // A defect, an unreadable file, a bug, or another range that failed first (which stops this one):
                // the whole-file read below says what and where (and, like every read on a worker, never lets an
                // exception take the user's session down).
            }
            bool last = split.Add(item.Range, range, histogram, slot);
            CountDone(nominalEnd - nominalStart, files: 0, failed: false);
            if (!last) return;

            try
            {
                if (token.IsCancellationRequested) return;
                QualityFileScan? scan = split.Scan(item.Size, _options.PhredOffset);
                if (scan == null)
                {
                    Interlocked.Increment(ref _filesReadWholeAfterRanges);
                    ReadFile(item, slot, histogram, buffer, token, progressBytes: 0);
                    return;
                }
                Interlocked.Increment(ref _filesReadInRanges);
                Post(QualityRunEvent.ForVerbose(DescribeRead(item.Path, scan, split.Ranges)));
                foreach (int other in split.Slots) item.Accumulator.AddSlot(other);
                int pending = item.Accumulator.Completed(split.Histogram, scan, slot, item.Order, Stopwatch.GetTimestamp(), item.Path);
                FileDone(item.Accumulator, pending, progressBytes: 0, failed: false, token);
            }
            finally
            {
                split.Histogram.Release();
                split.Dispose();
            }
        }

        /// <summary>Whether two mates hold the same reads (their titles only); the pair's files are read as any others.</summary>
        private void CheckPair(FileWork item, CancellationToken token)
        {
            string? problem;
            try
            {
                problem = Pairs.ReadPairCheck.Check(item.Path, item.Mate!, token);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InvalidDataException || e is Compression.GzipDataException)
            {
                // The files themselves are reported by their own reads; the pair is dropped with them.
                problem = "the pair could not be checked: " + e.Message;
            }
            int pending = item.Accumulator.PairChecked(item.Path, problem);
            if (pending == 0 && _merged == null && !token.IsCancellationRequested)
                InputDone(item.Accumulator.Sequence, item.Accumulator.TakeDistribution(_processId));
        }

        /// <summary>The small files a worker holds go to their input: its result, when they were the last of its work.</summary>
        private void HandOver(WorkerRunningTotals totals, int slot, CancellationToken token)
        {
            QualityInputAccumulator? accumulator = totals.Accumulator;
            foreach (string message in totals.Messages) Post(QualityRunEvent.ForVerbose(message));
            int pending = totals.HandOver(slot);
            if (pending == 0 && _merged == null && !token.IsCancellationRequested)
                InputDone(accumulator!.Sequence, accumulator.TakeDistribution(_processId));
        }

        /// <summary>A file is in (valid or failed): its input's result when it was the input's last file, and progress.</summary>
        private void FileDone(QualityInputAccumulator accumulator, int pending, long progressBytes, bool failed, CancellationToken token)
        {
            if (pending == 0 && _merged == null && !token.IsCancellationRequested)
                InputDone(accumulator.Sequence, accumulator.TakeDistribution(_processId));
            CountDone(progressBytes, files: 1, failed);
        }

        /// <summary>Workers reading a file now (the others wait for work).</summary>
        private int _busyWorkers;

        /// <summary>
        /// Threads a file's read may add beside its worker: the workers idle now, when no file waits for them (with
        /// one file and two workers, the second core decompresses while the first parses). A file queued later
        /// finds its worker anyway; the read-ahead of the file before then competes with it for a while.
        /// </summary>
        private int IdleWorkers() => _work.Count > 0 ? 0 : Math.Max(0, _workers.Length - Volatile.Read(ref _busyWorkers));

        /// <summary>
        /// Reads a whole file. A small .qual file (not a mate of a pair) is recorded and, once valid, counted into
        /// the worker's running total (<paramref name="totals"/>, which the caller has handed over if it held
        /// another input's files); any other file is parsed into <paramref name="histogram"/> and added to its input.
        /// </summary>
        private void ReadFile(FileWork item, int slot, QualityHistogram histogram, byte[] buffer, CancellationToken token, long progressBytes,
            WorkerRunningTotals? totals = null)
        {
            if (item.Split == null) CountStarted(); // a split file read whole again was counted at its first range
            item.Accumulator.Started(Stopwatch.GetTimestamp());
            histogram.Clear();
            int pending;
            bool failed = true;
            try
            {
                RecordedReads? recording = totals != null && item.Split == null && !item.IsMate ? totals.Recording : null;
                QualityFileScan scan = QualityFileReader.Read(item.Path, histogram, buffer, _options.PhredOffset, token, IdleWorkers(), recording, out bool recorded);
                if (scan.Warning != null) Post(QualityRunEvent.ForWarning(new QualityFileWarning(item.Path, scan.Warning)));
                if (recorded)
                {
                    // Pending for its input until the worker hands its running total over, and so is what it says.
                    totals!.Messages.Add(DescribeRead(item.Path, scan, ranges: 1));
                    totals.AddRecording(item.Accumulator, item.Order, Stopwatch.GetTimestamp());
                    CountDone(progressBytes, files: 1, failed: false);
                    return;
                }
                Post(QualityRunEvent.ForVerbose(DescribeRead(item.Path, scan, ranges: 1)));
                pending = item.Accumulator.Completed(histogram, scan, slot, item.Order, Stopwatch.GetTimestamp(), item.Path);
                failed = false;
            }
            catch (QualityFormatException e)
            {
                pending = item.Accumulator.Failed(slot, item.Order, Stopwatch.GetTimestamp(), item.Path);
                Post(QualityRunEvent.ForError(new QualityFileError(QualityErrorKind.InvalidFile, item.Path, e.Line, e.Message, e.RecordsBeforeError)));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is NotSupportedException)
            {
                pending = item.Accumulator.Failed(slot, item.Order, Stopwatch.GetTimestamp(), item.Path);
                string why = e is UnauthorizedAccessException ? "permission denied: the file cannot be opened" : e.Message;
                Post(QualityRunEvent.ForError(new QualityFileError(QualityErrorKind.UnreadableFile, item.Path, 0, why, 0)));
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                // A bug must not take the user's whole session down with an unhandled exception on a worker thread.
                pending = item.Accumulator.Failed(slot, item.Order, Stopwatch.GetTimestamp(), item.Path);
                Post(QualityRunEvent.ForError(new QualityFileError(QualityErrorKind.InvalidFile, item.Path, 0, "unexpected " + e.GetType().Name + ": " + e.Message, 0)));
            }

            FileDone(item.Accumulator, pending, progressBytes, failed, token);
        }

        /// <summary>An input is done (result null: it has none); posts every result now due in input order.</summary>
        private void InputDone(long sequence, QualityDistribution? result)
        {
            lock (_orderGate)
            {
                _finished.Add(sequence, result);
                while (_finished.TryGetValue(_nextResult, out QualityDistribution? next))
                {
                    _finished.Remove(_nextResult);
                    _nextResult++;
                    if (next != null) Post(QualityRunEvent.ForResult(next));
                }
            }
        }

        /// <summary>A file's first read has begun (for <see cref="GetProgress"/>).</summary>
        private void CountStarted()
        {
            lock (_progressGate) _filesRunning++;
        }

        /// <summary>Bytes read, and files done (a file is done once, valid or failed), for <see cref="GetProgress"/>.</summary>
        private void CountDone(long bytes, int files, bool failed)
        {
            lock (_progressGate)
            {
                _filesCompleted += files;
                _filesRunning -= files;
                _bytesCompleted += bytes;
                if (failed) _filesFailed++;
            }
        }

        private void Finish()
        {
            if (!_cancellation.IsCancellationRequested && _merged != null && _filesTotal > 0)
                Post(QualityRunEvent.ForResult(_merged.TakeDistribution(_processId)));
            Events.Complete();
        }

        // After Complete (a worker still ending after a cancellation) an event is dropped by the channel.
        private void Post(QualityRunEvent runEvent) => Events.Post(runEvent);

        private static string Count(long n, string what) => n.ToString(CultureInfo.InvariantCulture) + " " + what + (n == 1 ? "" : "s");

        /// <summary>What a read found: "x.fastq.gz: read as FASTQ (gzip), 2500 records, Phred+33 (detected)".</summary>
        private string DescribeRead(string path, QualityFileScan scan, int ranges)
        {
            string format = (scan.Format == QualityFileFormat.Fastq ? "FASTQ" : ".qual") + (scan.Compressed ? " (gzip)" : "");
            string offset = scan.PhredOffset.HasValue
                ? ", Phred+" + scan.PhredOffset.Value.ToString(CultureInfo.InvariantCulture) + (_options.PhredOffset.HasValue ? " (given)" : " (detected)")
                : "";
            string split = ranges > 1 ? " in " + ranges.ToString(CultureInfo.InvariantCulture) + " byte ranges" : "";
            return path + ": read as " + format + split + ", " + Count(scan.Records, "record") + offset;
        }

        private sealed class FileWork
        {
            public FileWork(QualityInputAccumulator accumulator, string path, long size, long order, SplitFile? split, int range)
            {
                Accumulator = accumulator;
                Path = path;
                Size = size;
                Order = order;
                Split = split;
                Range = range;
            }

            public QualityInputAccumulator Accumulator { get; }
            public string Path { get; }
            public long Size { get; }
            public long Order { get; }
            /// <summary>For a file read in byte ranges: the file's shared state, and which range this is.</summary>
            public SplitFile? Split { get; }
            public int Range { get; }
            /// <summary>For a pair's check: the second mate (Path is the first); not a file to read.</summary>
            public string? Mate { get; set; }
            /// <summary>A file that is one of a pair's mates: its counts wait for the pair's check, so it is never recorded.</summary>
            public bool IsMate { get; set; }
        }

        /// <summary>
        /// A file read in byte ranges by several workers: what the ranges found, gathered under a lock. The first
        /// range to fail stops the others (<see cref="Token"/>): the file will be read whole anyway.
        /// </summary>
        private sealed class SplitFile : IDisposable
        {
            private readonly object _gate = new object();
            private readonly CancellationTokenSource _abandon;
            private readonly long[] _starts;
            private readonly long[] _ends;
            private int _remaining;
            private bool _failed;
            private long _records;
            private byte _lowest = byte.MaxValue, _highest;

            public SplitFile(QualityFileFormat format, long size, int ranges, CancellationToken runToken)
            {
                _abandon = CancellationTokenSource.CreateLinkedTokenSource(runToken);
                Token = _abandon.Token;
                Format = format;
                Size = size;
                Ranges = ranges;
                _starts = new long[ranges];
                _ends = new long[ranges];
                _remaining = ranges;
            }

            public QualityFileFormat Format { get; }
            public long Size { get; }
            public int Ranges { get; }
            /// <summary>Cancelled when the run is, or when a range has failed.</summary>
            public CancellationToken Token { get; }
            public QualityHistogram Histogram { get; } = new QualityHistogram();
            public SortedSet<int> Slots { get; } = new SortedSet<int>();

            /// <summary>True for the first range to begin: the file then counts as being read.</summary>
            public bool Begin() => Interlocked.Exchange(ref _begun, 1) == 0;
            private int _begun;

            /// <summary>Where range i nominally starts (range Ranges: the end of the file).</summary>
            public long NominalStart(int range) => range >= Ranges ? Size : Size / Ranges * range;

            /// <summary>Adds a range's outcome (null: it failed); true for the last one.</summary>
            public bool Add(int range, QualityFileReader.RangeScan? scan, QualityHistogram histogram, int slot)
            {
                lock (_gate)
                {
                    if (scan == null)
                    {
                        if (!_failed) _abandon.Cancel(); // the others stop: the whole file is read anyway
                        _failed = true;
                    }
                    else if (!_failed)
                    {
                        var s = scan.Value;
                        _starts[range] = s.Start;
                        _ends[range] = s.End;
                        _records += s.Records;
                        if (s.Highest != 0)
                        {
                            if (s.Lowest < _lowest) _lowest = s.Lowest;
                            if (s.Highest > _highest) _highest = s.Highest;
                        }
                        Histogram.Add(histogram);
                    }
                    Slots.Add(slot);
                    return --_remaining == 0;
                }
            }

            /// <summary>Once every range is in: the file's scan, or null when it must be read whole.</summary>
            public QualityFileScan? Scan(long bytes, int? phredOffset)
            {
                lock (_gate)
                {
                    if (_failed || _starts[0] != 0 || _ends[Ranges - 1] != Size) return null;
                    for (int i = 0; i + 1 < Ranges; i++)
                        if (_ends[i] != _starts[i + 1]) return null;
                    return QualityFileReader.FinishRanges(Format, _records, _highest == 0 ? (byte)0 : _lowest, _highest, phredOffset, bytes);
                }
            }

            /// <summary>After the last range: no range looks at the token any more.</summary>
            public void Dispose() => _abandon.Dispose();
        }
    }
}
