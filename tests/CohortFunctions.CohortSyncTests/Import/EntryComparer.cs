using CohortFunctions.CohortSync.Import;

namespace CohortFunctions.CohortSyncTests.Import;

/// <summary>Compares users by their values (records compare their lists by reference).</summary>
public sealed class EntryComparer : IEqualityComparer<UserEntry?>
{
    public static EntryComparer Instance { get; } = new();

    public bool Equals(UserEntry? x, UserEntry? y) =>
        x is null || y is null
            ? x is null && y is null
            : x.ExternalId == y.ExternalId && x.DeviceIds.SequenceEqual(y.DeviceIds) && x.Aliases.SequenceEqual(y.Aliases);

    public int GetHashCode(UserEntry? obj) => obj?.ExternalId?.GetHashCode(StringComparison.Ordinal) ?? 0;
}
