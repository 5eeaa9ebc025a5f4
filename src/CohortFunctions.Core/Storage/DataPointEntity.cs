using Azure;
using Azure.Data.Tables;

namespace CohortFunctions.Storage;

/// <summary>Storage shape of a ledger row: the effective changes of one membership batch.</summary>
internal sealed class DataPointEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public int Count { get; set; }

    public string PostbackId { get; set; } = "";
}
