namespace CohortFunctions.Storage;

/// <summary>Storage shape of a ledger row: the effective changes of one membership batch.</summary>
internal sealed class DataPointEntity : TableRow
{
    public int Count { get; set; }

    public string PostbackId { get; set; } = "";
}
