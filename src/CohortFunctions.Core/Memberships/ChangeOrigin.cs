namespace CohortFunctions.Memberships;

/// <summary>
/// Why a batch of changes is being applied: a partner postback counts one data point per effective change;
/// merges and deletions count none.
/// </summary>
internal sealed record ChangeOrigin(string? PostbackId, DateOnly Day, bool CountsDataPoints)
{
    public static ChangeOrigin Maintenance(DateOnly day) => new(null, day, false);
}
