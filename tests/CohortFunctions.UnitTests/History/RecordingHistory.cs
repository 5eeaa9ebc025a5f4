using System.Collections.Concurrent;
using CohortFunctions.History;

namespace CohortFunctions.UnitTests.History;

/// <summary>A sync history recorder that keeps what it is given, in order.</summary>
internal sealed class RecordingHistory : ISyncHistoryRecorder
{
    private readonly ConcurrentQueue<SyncRecord> _records = new();

    public IReadOnlyList<SyncRecord> Records => [.. _records];

    public void Record(SyncRecord record) => _records.Enqueue(record);
}
