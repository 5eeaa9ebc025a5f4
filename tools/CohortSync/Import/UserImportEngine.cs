using System.Globalization;
using System.Threading.Channels;
using CsvHelper;

namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// Imports a user file through <c>POST /manage/workspaces/{ws}/users</c>: reads it as a stream, sends 1,000 users a
/// request, <see cref="UserImportOptions.Parallelism"/> at a time, with the cohort sync's retries, and records every
/// acknowledged batch in a state file so that an import that stops is resumed from where it stood. Malformed lines
/// are never sent; they and the entries the API rejects go to the rejects file with their line numbers.
/// </summary>
/// <remarks>
/// Memory is bounded by the batches in flight: the reader runs at most <see cref="UserImportOptions.Parallelism"/>
/// batches ahead of the requests. A batch that finally fails stops the reading; batches already in flight finish
/// and are recorded, and the next run sends the failed one again. No console: progress goes to a callback that may be
/// called from several threads at once.
/// </remarks>
public sealed class UserImportEngine
{
    private readonly UserImportOptions _options;
    private readonly HttpClient _http;
    private readonly Action<UserImportProgress>? _progress;
    private readonly TimeProvider _time;
    private readonly JsonFileImportStateStore _store;

    /// <param name="options">Validated here: invalid options throw <see cref="ArgumentException"/>.</param>
    /// <param name="httpClient">Used as given; the engine applies <see cref="UserImportOptions.RequestTimeout"/> itself.</param>
    /// <param name="progress">Called at the start and after each batch, possibly concurrently.</param>
    /// <param name="timeProvider">The clock of the state's times, elapsed times and retry waits.</param>
    public UserImportEngine(UserImportOptions options, HttpClient httpClient, Action<UserImportProgress>? progress = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        (_options, _http, _progress, _time) = (options, httpClient, progress, timeProvider ?? TimeProvider.System);
        _store = new JsonFileImportStateStore(options.EffectiveStatePath);
    }

    /// <summary>Plans and runs the import; see <see cref="PrepareAsync"/> and <see cref="ExecuteAsync"/>.</summary>
    public async Task<UserImportSummary> ImportAsync(CancellationToken cancellationToken = default)
    {
        var plan = await PrepareAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(plan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the file once (its SHA-256 and line count), checks its header against the mapping (CSV), and the state
    /// file: a new import, the resumption of an unfinished one, or nothing when it is finished. Sends nothing.
    /// </summary>
    /// <exception cref="UserFileException">The file cannot be used, or the state file holds an unfinished import of
    /// another file, workspace, endpoint, format or mapping (and <see cref="UserImportOptions.Restart"/> is off).</exception>
    public async Task<UserImportPlan> PrepareAsync(CancellationToken cancellationToken = default)
    {
        var file = Path.GetFullPath(_options.File);
        var format = _options.EffectiveFormat!.Value;
        var fingerprint = await FileFingerprint.ComputeAsync(file, cancellationToken).ConfigureAwait(false);
        var reader = await UserFileReader.OpenAsync(file, format, _options.Mapping, cancellationToken).ConfigureAwait(false);
        await reader.DisposeAsync().ConfigureAwait(false);

        ImportState? previous;
        try
        {
            previous = await _store.LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new UserFileException(e.Message, e);
        }

        var now = _time.GetUtcNow();
        var fresh = new ImportState
        {
            Endpoint = _options.EndpointKey,
            Workspace = _options.Workspace,
            File = file,
            FileBytes = fingerprint.Bytes,
            FileSha256 = fingerprint.Sha256,
            Format = format.Name(),
            Mapping = _options.Mapping.ToString(),
            Lines = fingerprint.Lines,
            RejectsFile = Path.GetFullPath(_options.EffectiveRejectsPath),
            StartedAt = now,
            UpdatedAt = now,
        };
        var plan = new UserImportPlan(file, format, fingerprint.Lines, false, 0, false, Path.GetFullPath(_store.Path), fresh.RejectsFile, null) { State = fresh };
        if (previous is null)
        {
            return plan;
        }

        if (_options.Restart)
        {
            return plan with { Note = "--restart: starting again from the first line" };
        }

        var difference = Difference(previous, fresh);
        if (difference is null)
        {
            var resumed = plan with { State = previous, Resumed = true, LinesDone = new LineIntervals(previous.Done).Count, RejectsPath = previous.RejectsFile };
            return previous.CompletedAt is { } completed
                ? resumed with { Resumed = false, AlreadyComplete = true, Note = string.Create(CultureInfo.InvariantCulture, $"this file was imported completely at {completed:yyyy-MM-dd HH:mm:ss}Z: nothing sent (--restart imports it again)") }
                : resumed with { Note = string.Create(CultureInfo.InvariantCulture, $"resuming the import started at {previous.StartedAt:yyyy-MM-dd HH:mm:ss}Z: {resumed.LinesDone:N0} lines already acknowledged") };
        }

        if (previous.CompletedAt is not null)
        {
            return plan with { Note = $"the import recorded in the state file was finished; this is a new one ({difference})" };
        }

        throw new UserFileException(
            $"The state file '{_store.Path}' holds an unfinished import of {difference}. Finish that import with the same options, "
            + "start this one again from the first line with --restart, or give another --state.");
    }

    /// <summary>
    /// Runs a plan. Cancellation stops it and is reported in the summary (<see cref="UserImportSummary.Cancelled"/>),
    /// not thrown; batches acknowledged until then are recorded.
    /// </summary>
    /// <exception cref="UserFileException">The state or the rejects file cannot be written, or the file no longer reads as planned.</exception>
    public async Task<UserImportSummary> ExecuteAsync(UserImportPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var started = _time.GetTimestamp();
        if (plan.AlreadyComplete)
        {
            return Summary(plan, plan.State, new Tally(), plan.Lines, plan.Lines, succeeded: true, cancelled: false, TimeSpan.Zero);
        }

        var rejects = await RejectsFile.OpenAsync(plan.RejectsPath, plan.Resumed ? plan.State.RejectsBytes : null, cancellationToken).ConfigureAwait(false);
        await using (rejects.ConfigureAwait(false))
        {
            var state = plan.State with { RejectsBytes = rejects.Length };
            await SaveAsync(state).ConfigureAwait(false);
            using var ledger = new ImportLedger(state, _store, rejects, _time);
            var reader = await UserFileReader.OpenAsync(plan.File, plan.Format, _options.Mapping, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var tally = new Tally();
                var progress = new ProgressSource(this, ledger, tally, plan, reader.FirstDataLine - 1, started);
                progress.Report();
                var reachedEnd = await RunAsync(reader, new LineIntervals(state.Done), ledger, tally, progress, cancellationToken).ConfigureAwait(false);
                var cancelled = cancellationToken.IsCancellationRequested;
                var succeeded = reachedEnd && !cancelled && tally.Failures.Count == 0 && tally.UsersRead == tally.UsersAcknowledged;
                if (succeeded)
                {
                    await ledger.CompleteAsync(reader.LinesRead).ConfigureAwait(false);
                }

                var note = rejects.Warning is { } warning ? $"{plan.Note}{(plan.Note is null ? null : "; ")}{warning}" : plan.Note;
                var lines = succeeded ? reader.LinesRead : plan.Lines;
                var linesDone = succeeded ? lines : Math.Min(progress.LinesDone, lines);
                return Summary(plan with { Note = note }, ledger.State, tally, lines, linesDone, succeeded, cancelled && !succeeded, _time.GetElapsedTime(started));
            }
        }
    }

    /// <summary>Reads and sends until the end of the file, a final failure, or cancellation; whether the end was reached.</summary>
    private async Task<bool> RunAsync(IUserFileReader reader, LineIntervals done, ImportLedger ledger, Tally tally, ProgressSource progress, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var client = new UsersApiClient(_http, _options, _time, tally.Retried);
        var batches = Channel.CreateBounded<ImportBatch>(new BoundedChannelOptions(_options.Parallelism) { SingleWriter = true });
        var reachedEnd = false;

        async Task ReadAsync()
        {
            try
            {
                await foreach (var batch in new ImportBatcher(_options.BatchSize).BatchAsync(reader, done.Contains, stop.Token).ConfigureAwait(false))
                {
                    tally.Read(batch.Users);
                    await batches.Writer.WriteAsync(batch, stop.Token).ConfigureAwait(false);
                }

                reachedEnd = true;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is IOException or CsvFormatException)
            {
                tally.Failed(new ImportFailure("reading the file", 0, null, e.Message, 1));
                await stop.CancelAsync().ConfigureAwait(false);
            }
            finally
            {
                batches.Writer.TryComplete();
            }
        }

        async Task SendAsync()
        {
            try
            {
                await foreach (var batch in batches.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    if (batch.Users == 0)
                    {
                        if (!await TryCommitAsync(batch, null).ConfigureAwait(false))
                        {
                            await stop.CancelAsync().ConfigureAwait(false);
                        }

                        progress.Report();
                        continue;
                    }

                    // In flight, a batch is cancelled only by the caller: another batch's failure lets it finish.
                    var outcome = await client.PostAsync(batch, cancellationToken).ConfigureAwait(false);
                    if (!outcome.Acknowledged)
                    {
                        tally.Failed(new ImportFailure(batch.Name, batch.Users, outcome.StatusCode, outcome.Message, outcome.Attempts));
                        await stop.CancelAsync().ConfigureAwait(false);
                    }
                    else if (!await TryCommitAsync(batch, outcome).ConfigureAwait(false))
                    {
                        await stop.CancelAsync().ConfigureAwait(false);
                    }

                    progress.Report();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }

        // A batch the API acknowledged but that cannot be recorded is not done: the next run sends it again.
        async Task<bool> TryCommitAsync(ImportBatch batch, UsersBatchOutcome? outcome)
        {
            try
            {
                await ledger.CommitAsync(batch, outcome).ConfigureAwait(false);
                tally.Acknowledged(batch.Users);
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                tally.Failed(new ImportFailure($"recording {batch.Name}", batch.Users, null, $"cannot write the state or the rejects file: {e.Message}", 1));
                return false;
            }
        }

        var reading = Task.Run(ReadAsync, CancellationToken.None);
        var sending = Enumerable.Range(0, _options.Parallelism).Select(_ => Task.Run(SendAsync, CancellationToken.None)).ToList();
        await Task.WhenAll([reading, .. sending]).ConfigureAwait(false);
        return reachedEnd;
    }

    private async Task SaveAsync(ImportState state)
    {
        try
        {
            await _store.SaveAsync(state, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserFileException($"Cannot write the state file '{_store.Path}': {e.Message}", e);
        }
    }

    private static UserImportSummary Summary(UserImportPlan plan, ImportState state, Tally tally, long lines, long linesDone, bool succeeded, bool cancelled, TimeSpan elapsed) => new()
    {
        Succeeded = succeeded,
        Cancelled = cancelled,
        Resumed = plan.Resumed,
        File = plan.File,
        Workspace = state.Workspace,
        Lines = lines,
        LinesDone = linesDone,
        Users = state.Users + tally.Unsent,
        Created = state.Created,
        Updated = state.Updated,
        Rejected = state.Rejected,
        Malformed = state.Malformed,
        Unsent = tally.Unsent,
        Batches = tally.BatchesAcknowledged,
        FailedBatches = tally.Failures.Count(f => f.Users > 0),
        Retried = tally.Retries,
        Elapsed = elapsed,
        RejectsFile = state.RejectsFile,
        StateFile = plan.StatePath,
        Note = plan.Note,
        Failures = tally.Failures,
    };

    /// <summary>What makes <paramref name="previous"/> another import than <paramref name="current"/>, or <c>null</c>.</summary>
    private static string? Difference(ImportState previous, ImportState current) =>
        previous.File != current.File ? $"another file ({previous.File})"
        : previous.FileSha256 != current.FileSha256 || previous.FileBytes != current.FileBytes ? "this file as it was before it changed"
        : previous.Workspace != current.Workspace ? $"workspace '{previous.Workspace}'"
        : previous.Endpoint != current.Endpoint ? $"endpoint {previous.Endpoint}"
        : previous.Format != current.Format ? $"format {previous.Format}"
        : previous.Mapping != current.Mapping ? $"mapping {previous.Mapping}"
        : null;

    /// <summary>This run's counts, updated from the parallel batches.</summary>
    private sealed class Tally
    {
        private readonly Lock _lock = new();
        private readonly List<ImportFailure> _failures = [];
        private long _usersRead;
        private long _usersAcknowledged;
        private long _batches;
        private int _retries;

        public long UsersRead => Interlocked.Read(ref _usersRead);

        public long UsersAcknowledged => Interlocked.Read(ref _usersAcknowledged);

        public long Unsent => UsersRead - UsersAcknowledged;

        public long BatchesAcknowledged => Interlocked.Read(ref _batches);

        public int Retries => Volatile.Read(ref _retries);

        public IReadOnlyList<ImportFailure> Failures
        {
            get
            {
                lock (_lock)
                {
                    return [.. _failures];
                }
            }
        }

        public int FailedBatches
        {
            get
            {
                lock (_lock)
                {
                    return _failures.Count(f => f.Users > 0);
                }
            }
        }

        public void Retried() => Interlocked.Increment(ref _retries);

        public void Read(int users) => Interlocked.Add(ref _usersRead, users);

        public void Acknowledged(int users)
        {
            Interlocked.Add(ref _usersAcknowledged, users);
            if (users > 0)
            {
                Interlocked.Increment(ref _batches);
            }
        }

        public void Failed(ImportFailure failure)
        {
            lock (_lock)
            {
                _failures.Add(failure);
            }
        }
    }

    /// <summary>Builds progress reports from the ledger and the tally.</summary>
    private sealed class ProgressSource(UserImportEngine engine, ImportLedger ledger, Tally tally, UserImportPlan plan, long headerLines, long started)
    {
        private readonly long _linesAtStart = ledger.LinesDone;

        public long LinesDone => ledger.LinesDone + headerLines;

        public void Report()
        {
            if (engine._progress is not { } report)
            {
                return;
            }

            var state = ledger.State;
            report(new UserImportProgress(
                Math.Min(LinesDone, plan.Lines),
                plan.Lines,
                state.Created,
                state.Updated,
                state.Rejected,
                state.Malformed,
                tally.UsersAcknowledged,
                ledger.LinesDone - _linesAtStart,
                tally.Retries,
                tally.FailedBatches,
                engine._time.GetElapsedTime(started)));
        }
    }
}
