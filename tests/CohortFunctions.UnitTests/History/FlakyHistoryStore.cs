using Azure;
using CohortFunctions.History;

namespace CohortFunctions.UnitTests.History;

/// <summary>
/// The in-memory history store, failing as a test says: the next writes as storage unavailable (503), every write
/// while it is down, or every write that holds a record storage refuses (400). Counts the writes it was asked for.
/// </summary>
internal sealed class FlakyHistoryStore : InMemorySyncHistoryStore
{
    private int _attempts;
    private int _failuresLeft;

    /// <summary>Every write fails as unavailable while this is set.</summary>
    public bool Down { get; set; }

    /// <summary>A write holding a record with this request id is refused as bad (400).</summary>
    public string? RefusedRequestId { get; init; }

    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>The next failing write waits for this before it fails: a write still under way while the test acts.</summary>
    public Task? HoldNextFailure { get; set; }

    public void FailNext(int writes) => Volatile.Write(ref _failuresLeft, writes);

    public override async Task AppendAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        Interlocked.Increment(ref _attempts);
        if (Down || Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            if (HoldNextFailure is { } hold)
            {
                HoldNextFailure = null;
                await hold;
            }

            throw new RequestFailedException(503, "storage is down");
        }

        if (RefusedRequestId is { } refused && records.Any(r => r.RequestId == refused))
        {
            throw new RequestFailedException(400, "storage refuses this entity");
        }

        await base.AppendAsync(records, cancellationToken);
    }
}
