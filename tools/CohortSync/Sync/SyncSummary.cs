using System.Text.Json.Serialization;

namespace CohortFunctions.CohortSync.Sync;

/// <summary>A request that finally failed: not retried (4xx) or still failing after every retry.</summary>
/// <param name="Request"><c>cohort name</c>, or <c>batch N</c>.</param>
/// <param name="Ids">Identifiers the request carried (0 for the name call).</param>
/// <param name="StatusCode">The last HTTP status, or <c>null</c> for a timeout or connection failure.</param>
/// <param name="Message">The server's message (secrets removed), or what went wrong.</param>
/// <param name="Attempts">Attempts made, the first included.</param>
public sealed record SyncFailure(string Request, int Ids, int? StatusCode, string Message, int Attempts);

/// <summary>Progress of a running sync, reported after the plan and after each users request.</summary>
public sealed record SyncProgress(int BatchesDone, int BatchesTotal, long IdsDone, long IdsTotal, int Retries, int FailedBatches, TimeSpan Elapsed)
{
    public double IdsPerSecond => Elapsed > TimeSpan.Zero ? IdsDone / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// What a sync did. <see cref="Rows"/> = <see cref="Members"/> + <see cref="Skipped"/> + <see cref="Duplicates"/>;
/// <see cref="ToAdd"/> + <see cref="ToRemove"/> = <see cref="Sent"/> + <see cref="FailedIds"/> + <see cref="UnsentIds"/>.
/// <see cref="Added"/>, <see cref="Removed"/>, <see cref="Unchanged"/> and <see cref="Unmatched"/> are the sums of the
/// counts the server answered with, <c>null</c> when it answered none (Braze answers only <c>{"message":"success"}</c>).
/// </summary>
public sealed record SyncSummary
{
    public string CohortId { get; init; } = string.Empty;

    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Every request succeeded and the state was saved.</summary>
    public required bool Succeeded { get; init; }

    /// <summary>Stopped by cancellation (Ctrl-C) before it finished.</summary>
    public bool Cancelled { get; init; }

    public bool FirstSync { get; init; }

    /// <summary>The cohort name call was sent and accepted.</summary>
    public bool NameSent { get; init; }

    /// <summary>Data rows of the cohort file.</summary>
    public int Rows { get; init; }

    /// <summary>Distinct identifiers resolved from the rows.</summary>
    public int Members { get; init; }

    /// <summary>Rows without a value for any mapped column: not sent ("unresolved mapping").</summary>
    public int Skipped { get; init; }

    /// <summary>Rows that resolved to an identifier an earlier row had.</summary>
    public int Duplicates { get; init; }

    public int ToAdd { get; init; }

    public int ToRemove { get; init; }

    public int Batches { get; init; }

    public int FailedBatches { get; init; }

    /// <summary>Identifiers in users requests the server accepted.</summary>
    public long Sent { get; init; }

    /// <summary>Identifiers in users requests that finally failed.</summary>
    public long FailedIds { get; init; }

    /// <summary>Identifiers never sent: the name call failed, or the sync was cancelled first.</summary>
    public long UnsentIds { get; init; }

    public long? Added { get; init; }

    public long? Removed { get; init; }

    public long? Unchanged { get; init; }

    public long? Unmatched { get; init; }

    /// <summary>Retries made, over every request.</summary>
    public int Retried { get; init; }

    [JsonIgnore]
    public TimeSpan Elapsed { get; init; }

    public double ElapsedSeconds => Math.Round(Elapsed.TotalSeconds, 3);

    public string? Note { get; init; }

    public IReadOnlyList<SyncFailure> Failures { get; init; } = [];
}
