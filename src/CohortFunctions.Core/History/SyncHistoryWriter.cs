using System.Threading.Channels;
using CohortFunctions.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CohortFunctions.History;

/// <summary>
/// Writes sync history off the answer's path: <see cref="Record"/> puts a record in a bounded in-memory queue and
/// returns at once; this background service writes what is queued, many records per transaction when they share a
/// partition. When storage fails, the records stay queued and are written again (with growing pauses, up to 30 s)
/// until storage answers: a record is restored, not lost, unless it waits longer than <see cref="GiveUpAfter"/>, the
/// queue is full (<see cref="Capacity"/>), storage refuses the record itself, or the process ends before it is
/// written. Those losses are counted (<see cref="Lost"/>) and logged; a process that crashes loses what it queued
/// without counting it. On shutdown the queue is written out first.
/// </summary>
internal sealed partial class SyncHistoryWriter(ISyncHistoryStore store, TimeProvider time, ILogger<SyncHistoryWriter> logger) : BackgroundService, ISyncHistoryRecorder
{
    /// <summary>Records waiting to be written at most; a record that finds the queue full is lost (and counted).</summary>
    public const int Capacity = 10_000;

    /// <summary>Records written per round: a few transactions, at most 50 records each.</summary>
    public const int RoundSize = 500;

    /// <summary>How long a record is retried before it is given up and counted as lost.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(30);

    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);

    /// <summary>How often, at most, losses are logged (each line carries the count since the last).</summary>
    private static readonly TimeSpan LossLogInterval = TimeSpan.FromMinutes(1);

    private readonly Channel<SyncRecord> _queue = Channel.CreateBounded<SyncRecord>(new BoundedChannelOptions(Capacity) { SingleReader = true });
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _lossGate = new();
    private long _lost;
    private long _written;
    private long _accepted;
    private long _settled;
    private long _lostUnlogged;
    private string _lossReason = "";
    private DateTimeOffset _lossLoggedAt = DateTimeOffset.MinValue;
    private bool _triedAtOnceOnStop;

    /// <summary>Records given up on this instance since it started.</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Records written on this instance since it started.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Records taken and neither written nor given up yet: queued, or being written.</summary>
    public long Waiting => Interlocked.Read(ref _accepted) - Interlocked.Read(ref _settled);

    public void Record(SyncRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);

        // Counted before it is queued, so Waiting never reads 0 while a record is on its way.
        Interlocked.Increment(ref _accepted);
        if (!_queue.Writer.TryWrite(record))
        {
            Interlocked.Decrement(ref _accepted);
            CountLost(1, _queue.Reader.Completion.IsCompleted || _abort.IsCancellationRequested ? "the app is stopping" : "the queue is full");
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // No more records; the loop writes out what is queued and ends. If the host's shutdown time runs out first,
        // what is left is counted as lost.
        _queue.Writer.TryComplete();
        using var registration = cancellationToken.Register(_abort.Cancel);
        try
        {
            await base.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The base returns as soon as the shutdown time runs out, possibly before the registration above has run.
            if (cancellationToken.IsCancellationRequested)
            {
                await _abort.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var round = new List<SyncRecord>(RoundSize);
        var failures = 0;
        try
        {
            while (round.Count > 0 || await _queue.Reader.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
            {
                while (round.Count < RoundSize && _queue.Reader.TryRead(out var next))
                {
                    round.Add(next);
                }

                var written = await TryWriteAsync(round, failures).ConfigureAwait(false);
                LogLosses(force: false);
                if (written)
                {
                    if (failures > 0)
                    {
                        Log.Recovered(logger, failures);
                    }

                    failures = 0;
                    continue;
                }

                failures++;
                GiveUpOld(round);
                if (round.Count > 0)
                {
                    await PauseAsync(failures, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception) when (_abort.IsCancellationRequested)
        {
            var left = round.Count;
            while (_queue.Reader.TryRead(out _))
            {
                left++;
            }

            Settle(left);
            CountLost(left, "the app stopped before storage took them");
        }

        LogLosses(force: true);
    }

    /// <summary>Writes the round; true when every record of it is written or given up.</summary>
    private async Task<bool> TryWriteAsync(List<SyncRecord> round, int failures)
    {
        try
        {
            await store.AppendAsync(round, _abort.Token).ConfigureAwait(false);
            Interlocked.Add(ref _written, round.Count);
            Settle(round.Count);
            round.Clear();
            return true;
        }
        catch (Exception ex) when (!_abort.IsCancellationRequested && StorageFailures.IsUnavailable(ex))
        {
            if (failures == 0)
            {
                Log.Retrying(logger, round.Count, ex);
            }

            return false;
        }
        catch (Exception ex) when (!_abort.IsCancellationRequested)
        {
            // Storage refused the request itself, not for being unavailable: find the records it refuses one by one,
            // so one bad record cannot hold the others back.
            Log.Refused(logger, ex);
            foreach (var record in round.ToList())
            {
                try
                {
                    await store.AppendAsync([record], _abort.Token).ConfigureAwait(false);
                    Interlocked.Increment(ref _written);
                    Settle(1);
                    round.Remove(record);
                }
                catch (Exception single) when (!_abort.IsCancellationRequested && !StorageFailures.IsUnavailable(single))
                {
                    round.Remove(record);
                    Settle(1);
                    CountLost(1, "storage refused it");
                }
                catch (Exception single) when (!_abort.IsCancellationRequested)
                {
                    Log.Retrying(logger, round.Count, single);
                    return false;
                }
            }

            return true;
        }
    }

    private void GiveUpOld(List<SyncRecord> round)
    {
        var oldest = time.GetUtcNow() - GiveUpAfter;
        var given = round.RemoveAll(r => r.At < oldest);
        if (given > 0)
        {
            Settle(given);
            CountLost(given, $"storage did not take them for {GiveUpAfter.TotalMinutes:0} minutes");
        }
    }

    /// <summary>
    /// Waits before the next attempt: 1 s, doubling to 30 s. The app stopping cuts a pause short (or skips the first
    /// pause after it), and then pauses are 1 s until the host's shutdown time runs out.
    /// </summary>
    private async Task PauseAsync(int failures, CancellationToken stoppingToken)
    {
        if (stoppingToken.IsCancellationRequested)
        {
            // Stopping: one attempt at once (the stop may have come just before this pause began), then 1 s apart.
            if (!_triedAtOnceOnStop)
            {
                _triedAtOnceOnStop = true;
                return;
            }

            await Task.Delay(FirstPause, time, _abort.Token).ConfigureAwait(false);
            return;
        }

        var pause = TimeSpan.FromTicks(Math.Min(LongestPause.Ticks, FirstPause.Ticks << Math.Min(failures - 1, 5)));
        using var either = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token, stoppingToken);
        try
        {
            await Task.Delay(pause, time, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_abort.IsCancellationRequested)
        {
            // Stopping: try again at once, then at the shorter pause.
            _triedAtOnceOnStop = true;
        }
    }

    private void Settle(int count) => Interlocked.Add(ref _settled, count);

    private void CountLost(int count, string reason)
    {
        if (count <= 0)
        {
            return;
        }

        Interlocked.Add(ref _lost, count);
        lock (_lossGate)
        {
            _lostUnlogged += count;
            _lossReason = reason;
        }

        LogLosses(force: false);
    }

    /// <summary>Logs the losses not logged yet: at once, then at most once a <see cref="LossLogInterval"/> (a full queue loses many).</summary>
    private void LogLosses(bool force)
    {
        long count;
        string reason;
        lock (_lossGate)
        {
            var now = time.GetUtcNow();
            if (_lostUnlogged == 0 || (!force && now - _lossLoggedAt < LossLogInterval))
            {
                return;
            }

            (count, reason) = (_lostUnlogged, _lossReason);
            _lostUnlogged = 0;
            _lossLoggedAt = now;
        }

        Log.Lost(logger, count, reason, Lost);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Sync history could not be written; {Waiting} records wait and are retried until storage answers")]
        public static partial void Retrying(ILogger logger, int waiting, Exception exception);

        [LoggerMessage(Level = LogLevel.Information, Message = "Sync history written again after {Failures} failed attempts")]
        public static partial void Recovered(ILogger logger, int failures);

        [LoggerMessage(Level = LogLevel.Error, Message = "Storage refused a sync history write; its records are written one by one")]
        public static partial void Refused(ILogger logger, Exception exception);

        [LoggerMessage(EventName = "SyncHistoryLost", Level = LogLevel.Warning, Message = "{Count} sync history records lost: {Reason}; {Total} lost on this instance since it started")]
        public static partial void Lost(ILogger logger, long count, string reason, long total);
    }
}
