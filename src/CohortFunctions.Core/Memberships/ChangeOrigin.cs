namespace CohortFunctions.Memberships;

/// <summary>
/// Why a batch of changes is being applied: a partner postback (or its deferred part, applied by a resync pass)
/// counts one data point per effective change under its postback id; merges and deletions of users count none.
/// <see cref="Source"/> is written on the member rows the batch adds.
/// </summary>
internal sealed record ChangeOrigin(string? PostbackId, DateOnly Day, bool CountsDataPoints)
{
    /// <summary>What adds members in this batch.</summary>
    public MembershipSource Source { get; init; } = MembershipSource.Postback;

    /// <summary>Changes a partner asked for, counted as data points on the UTC day of <paramref name="now"/>.</summary>
    public static ChangeOrigin Postback(DateTimeOffset now) => new(Guid.NewGuid().ToString("N"), DateOnly.FromDateTime(now.UtcDateTime), CountsDataPoints: true);

    /// <summary>Changes a partner asked for that a resync pass applies now: counted like a postback's, on the pass's day.</summary>
    public static ChangeOrigin Resync(DateTimeOffset now) => Postback(now) with { Source = MembershipSource.Resync };

    /// <summary>Changes that follow a user's merge or deletion: member counts stay exact, no data point is counted.</summary>
    public static ChangeOrigin UserChange(DateTimeOffset now) =>
        new(null, DateOnly.FromDateTime(now.UtcDateTime), CountsDataPoints: false) { Source = MembershipSource.Merge };
}
