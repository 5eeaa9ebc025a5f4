using CohortFunctions.CohortSync.Members;

namespace CohortFunctions.CohortSync.Sync;

/// <summary>One users request: identifiers to add and to remove, together at most the batch size.</summary>
/// <param name="Number">1-based, in sending order.</param>
/// <param name="Adds">Sent in the change object without <c>should_remove</c>.</param>
/// <param name="Removes">Sent in the change object with <c>should_remove: true</c>.</param>
public sealed record SyncBatch(int Number, IReadOnlyList<MemberIdentifier> Adds, IReadOnlyList<MemberIdentifier> Removes)
{
    public int Count => Adds.Count + Removes.Count;
}

/// <summary>
/// What a sync will send, worked out from the cohort's members now and the state of the last successful sync.
/// </summary>
/// <param name="Snapshot">The members now.</param>
/// <param name="FirstSync">No usable state: the whole cohort is sent as adds (also with a forced full sync).</param>
/// <param name="SendName">Whether the cohort name call comes first: on a first sync and when the name changed.</param>
/// <param name="Adds">Members who entered since the last successful sync (all of them on a first sync).</param>
/// <param name="Removes">Members who left since the last successful sync.</param>
/// <param name="Batches">The users requests: adds first, then removes; one request may carry both.</param>
/// <param name="Note">Why the state was not used, when it existed but was not.</param>
public sealed record SyncPlan(
    CohortSnapshot Snapshot,
    bool FirstSync,
    bool SendName,
    IReadOnlyList<MemberIdentifier> Adds,
    IReadOnlyList<MemberIdentifier> Removes,
    IReadOnlyList<SyncBatch> Batches,
    string? Note = null)
{
    public int IdCount => Adds.Count + Removes.Count;

    /// <summary>Splits adds then removes into batches of at most <paramref name="batchSize"/> identifiers.</summary>
    public static IReadOnlyList<SyncBatch> Split(IReadOnlyList<MemberIdentifier> adds, IReadOnlyList<MemberIdentifier> removes, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(adds);
        ArgumentNullException.ThrowIfNull(removes);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var batches = new List<SyncBatch>();
        var total = adds.Count + removes.Count;
        for (var start = 0; start < total; start += batchSize)
        {
            var end = Math.Min(start + batchSize, total);
            var batchAdds = Slice(adds, start, Math.Min(end, adds.Count));
            var batchRemoves = Slice(removes, Math.Max(start - adds.Count, 0), Math.Max(end - adds.Count, 0));
            batches.Add(new SyncBatch(batches.Count + 1, batchAdds, batchRemoves));
        }

        return batches;
    }

    private static MemberIdentifier[] Slice(IReadOnlyList<MemberIdentifier> source, int from, int to)
    {
        if (to <= from)
        {
            return [];
        }

        var slice = new MemberIdentifier[to - from];
        for (var i = from; i < to; i++)
        {
            slice[i - from] = source[i];
        }

        return slice;
    }
}
