namespace CohortFunctions.Memberships;

/// <summary>
/// Why a batch of changes is being applied: a partner postback (or its deferred part, applied by a resync pass)
/// counts one data point per effective change under its postback id; merges and deletions of users count none.
/// </summary>
internal sealed record ChangeOrigin(string? PostbackId, DateOnly Day, bool CountsDataPoints)
{
    /// <summary>Changes a partner asked for, counted as data points on the UTC day of <paramref name="now"/>.</summary>
    public static ChangeOrigin Postback(DateTimeOffset now) => new(Guid.NewGuid().ToString("N"), DateOnly.FromDateTime(now.UtcDateTime), CountsDataPoints: true);

    /// <summary>Changes that follow a user's merge or deletion: member counts stay exact, no data point is counted.</summary>
    public static ChangeOrigin UserChange(DateTimeOffset now) => new(null, DateOnly.FromDateTime(now.UtcDateTime), CountsDataPoints: false);
}
