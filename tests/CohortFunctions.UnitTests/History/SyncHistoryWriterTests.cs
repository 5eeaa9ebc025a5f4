using CohortFunctions.History;
using CohortFunctions.UnitTests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CohortFunctions.UnitTests.History;

/// <summary>
/// The background writer of the sync history: records are written after the caller goes on; when storage fails
/// they are written again until it answers (restored), and only what waits too long, finds the queue full, is refused
/// by storage or is left when the app stops is given up — and counted.
/// </summary>
public sealed class SyncHistoryWriterTests : IAsyncLifetime, IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly FlakyHistoryStore _store = new() { RefusedRequestId = "refused" };
    private readonly SyncHistoryWriter _writer;

    public SyncHistoryWriterTests() => _writer = new SyncHistoryWriter(_store, _time, NullLogger<SyncHistoryWriter>.Instance);

    public Task InitializeAsync() => _writer.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        _store.Down = false;
        await _writer.StopAsync(stop.Token);
    }

    public void Dispose() => _writer.Dispose();

    [Fact]
    public async Task Record_StorageAnswers_WrittenWithoutTheCallerWaiting()
    {
        // Arrange
        var records = Enumerable.Range(0, 3).Select(i => Record($"r{i}")).ToList();

        // Act
        records.ForEach(_writer.Record);

        // Assert
        await Eventually.TrueAsync(() => _store.Records.Count == 3, "the records are written");
        Assert.Equal(records.OrderBy(r => r.Id), _store.Records.OrderBy(r => r.Id));
        Assert.Equal((3, 0, 0), (_writer.Written, _writer.Lost, _writer.Waiting));
    }

    [Fact]
    public async Task Record_StorageFailsTwiceThenAnswers_RestoredAfterPausesOfAtLeastOneThenTwoSeconds()
    {
        // Arrange
        _store.FailNext(2);
        var record = Record("r1");
        var step = TimeSpan.FromMilliseconds(100);

        // Act: the clock moves on in small steps; the fake time of each attempt is noted.
        _writer.Record(record);
        await Eventually.TrueAsync(() => _store.Attempts == 1, "the first attempt failed");
        var waitingAfterAFailure = _writer.Waiting;
        var first = _time.GetUtcNow();
        await Eventually.TrueAsync(() => _store.Attempts == 2, "the second attempt failed", () => _time.Advance(step));
        var second = _time.GetUtcNow();
        await Eventually.TrueAsync(() => _store.Records.Count == 1, "the record is restored", () => _time.Advance(step));
        var third = _time.GetUtcNow();

        // Assert
        Assert.Equal([record], _store.Records);
        Assert.Equal((3, 0), (_store.Attempts, _writer.Lost));
        Assert.Equal((1, 0), (waitingAfterAFailure, _writer.Waiting));
        Assert.InRange(second - first, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        Assert.InRange(third - second, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Record_StorageDownLongerThanTheWriterWaits_GivenUpAndCounted()
    {
        // Arrange
        _store.Down = true;

        // Act
        _writer.Record(Record("r1"));
        await Eventually.TrueAsync(() => _writer.Lost > 0, "the record is given up", () => _time.Advance(TimeSpan.FromSeconds(10)));

        // Assert
        Assert.Equal(1, _writer.Lost);
        Assert.InRange(_store.Attempts, 60, 200);
        Assert.Empty(_store.Records);
        Assert.True(_time.GetUtcNow() - new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero) > SyncHistoryWriter.GiveUpAfter);
    }

    [Fact]
    public async Task Record_StorageRefusesOneRecordItself_TheOthersWrittenThatOneCounted()
    {
        // Arrange
        var good = new[] { Record("a"), Record("b") };

        // Act
        _writer.Record(good[0]);
        _writer.Record(Record("refused"));
        _writer.Record(good[1]);

        // Assert
        await Eventually.TrueAsync(() => _store.Records.Count == 2 && _writer.Lost == 1, "the good records are written and the bad one given up");
        Assert.Equal(good.OrderBy(r => r.Id), _store.Records.OrderBy(r => r.Id));
    }

    [Fact]
    public async Task StopAsync_RecordsWaiting_WrittenBeforeTheWriterStops()
    {
        // Arrange: storage fails once, so the records are still waiting when the app stops.
        _store.FailNext(1);
        var records = Enumerable.Range(0, 5).Select(i => Record($"r{i}")).ToList();
        records.ForEach(_writer.Record);
        await Eventually.TrueAsync(() => _store.Attempts == 1, "the first attempt failed");

        // Act: no clock advance: stopping cuts the pause short (the fake clock never ends it; the generous shutdown
        // timeout only keeps a loaded machine from failing the test).
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _writer.StopAsync(stop.Token);

        // Assert
        Assert.Equal(5, _store.Records.Count);
        Assert.Equal(0, _writer.Lost);
    }

    [Fact]
    public async Task StopAsync_WhileAFailingWriteIsUnderWay_RetriedAtOnceAndWritten()
    {
        // Arrange: the first write is held in storage and then fails; the app starts stopping meanwhile, so the pause
        // after the failure begins with the app already stopping.
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _store.FailNext(1);
        _store.HoldNextFailure = held.Task;
        _writer.Record(Record("r1"));
        await Eventually.TrueAsync(() => _store.Attempts == 1, "the first attempt is under way");

        // Act: no clock advance, so a pause would last until the shutdown timeout.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stopping = _writer.StopAsync(stop.Token);
        held.SetResult();
        await stopping;

        // Assert
        Assert.Single(_store.Records);
        Assert.Equal((2, 0L), (_store.Attempts, _writer.Lost));
    }

    [Fact]
    public async Task StopAsync_StorageDownUntilTheShutdownTimeout_WhatIsLeftCountedAndLaterRecordsToo()
    {
        // Arrange
        _store.Down = true;
        _writer.Record(Record("r1"));
        _writer.Record(Record("r2"));
        await Eventually.TrueAsync(() => _store.Attempts >= 1, "an attempt failed");

        // Act
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await _writer.StopAsync(stop.Token);
        await Eventually.TrueAsync(() => _writer.Lost == 2, "the waiting records are counted");
        _writer.Record(Record("after"));

        // Assert
        Assert.Equal(3, _writer.Lost);
        Assert.Empty(_store.Records);
    }

    [Fact]
    public async Task Record_QueueFull_TheRecordThatFindsItFullCounted()
    {
        // Arrange: storage is down, so nothing leaves the queue but the round being written.
        _store.Down = true;
        _writer.Record(Record("first"));
        await Eventually.TrueAsync(() => _store.Attempts >= 1, "the first round is being written");

        // Act
        for (var i = 0; i <= SyncHistoryWriter.Capacity; i++)
        {
            _writer.Record(Record($"r{i}"));
        }

        // Assert
        Assert.Equal(1, _writer.Lost);
    }

    private SyncRecord Record(string requestId) => new(
        SyncRecord.NewId(),
        _time.GetUtcNow(),
        TestKeys.Workspace(),
        "amplitude",
        "c1",
        SyncKind.Changes,
        new SyncOutcome(201, "success"),
        new SyncCounts(1, 1, 0, 0, 0, 1),
        TimeSpan.FromMilliseconds(12),
        "key-1",
        requestId);
}
