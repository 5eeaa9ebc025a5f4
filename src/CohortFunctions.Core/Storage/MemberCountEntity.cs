namespace CohortFunctions.Storage;

/// <summary>
/// Storage shape of a shard's count rows: the compacted <see cref="Count"/> (row <c>~count</c>) and the deltas
/// (rows <c>~delta|batch</c>) committed with each batch, carrying the data points that batch counted.
/// </summary>
internal sealed class MemberCountEntity : TableRow
{
    public long? Count { get; set; }

    public int? Delta { get; set; }

    public int? DataPoints { get; set; }

    public string? Day { get; set; }

    public string? Partner { get; set; }

    public string? PostbackId { get; set; }
}
