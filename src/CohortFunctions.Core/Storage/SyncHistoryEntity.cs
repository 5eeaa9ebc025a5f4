using CohortFunctions.History;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>
/// Storage shape of a sync history record. Each record is stored twice in its partition, the same columns in both
/// rows: under its time key (the workspace feed) and under its cohort and time key (the cohort's history).
/// </summary>
internal sealed class SyncHistoryEntity : TableRow
{
    public string RecordId { get; set; } = "";

    public DateTimeOffset At { get; set; }

    public string Partner { get; set; } = "";

    public string? CohortId { get; set; }

    /// <summary>The kind's name (<see cref="SyncKinds.Name"/>).</summary>
    public string Kind { get; set; } = "";

    public int Status { get; set; }

    public string Message { get; set; } = "";

    public int Received { get; set; }

    public int Added { get; set; }

    public int Removed { get; set; }

    public int Unchanged { get; set; }

    public int Unmatched { get; set; }

    public int DataPoints { get; set; }

    public long DurationMs { get; set; }

    public string? KeyId { get; set; }

    public string? RequestId { get; set; }

    public static SyncHistoryEntity For(SyncRecord record, string partitionKey, string rowKey)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new()
        {
            PartitionKey = partitionKey,
            RowKey = rowKey,
            RecordId = record.Id,
            At = record.At,
            Partner = record.Partner,
            CohortId = record.CohortId,
            Kind = SyncKinds.Name(record.Kind),
            Status = record.Outcome.Status,
            Message = record.Outcome.Message,
            Received = record.Counts.Received,
            Added = record.Counts.Added,
            Removed = record.Counts.Removed,
            Unchanged = record.Counts.Unchanged,
            Unmatched = record.Counts.Unmatched,
            DataPoints = record.Counts.DataPoints,
            DurationMs = (long)record.Duration.TotalMilliseconds,
            KeyId = record.KeyId,
            RequestId = record.RequestId,
        };
    }

    public SyncRecord ToRecord(WorkspaceId workspace) => new(
        RecordId,
        At,
        workspace,
        Partner,
        CohortId,
        SyncKinds.TryParse(Kind, out var kind) ? kind.Value : throw new InvalidOperationException($"Sync history row of an unknown kind '{Kind}'."),
        new SyncOutcome(Status, Message),
        new SyncCounts(Received, Added, Removed, Unchanged, Unmatched, DataPoints),
        TimeSpan.FromMilliseconds(DurationMs),
        KeyId,
        RequestId);
}
