using Azure;
using Azure.Data.Tables;

namespace CohortFunctions.Storage;

/// <summary>
/// What every stored row has: its keys (from <see cref="StorageKeys"/>), the service's timestamp and the ETag that
/// conditional writes name. Each table's entity adds its own columns.
/// </summary>
internal abstract class TableRow : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }
}
