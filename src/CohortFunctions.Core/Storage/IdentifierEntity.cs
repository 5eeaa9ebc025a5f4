using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>
/// Storage shape of an identifier index row (table <c>identifiers</c>, keys from <see cref="StorageKeys.Identifier"/>).
/// The raw identifier is stored too: keys of long identifiers are hashes, and a reader compares the raw value so that
/// a hash collision can never make one identifier match another's user.
/// </summary>
internal sealed class IdentifierEntity : TableRow
{
    /// <summary>The owner's <see cref="Users.UserId"/>.</summary>
    public string UserId { get; set; } = "";

    /// <summary>False for a device id whose owner has been identified: kept for look-ups, never matched by postbacks.</summary>
    public bool Matchable { get; set; } = true;

    /// <summary>
    /// When the app last wrote this row (its own clock, like every time it stores): a row that has not changed since
    /// long before a cohort first kept pending identifiers cannot have one of them (see <see cref="IdentifierOwner"/>).
    /// </summary>
    public DateTimeOffset? IndexedAt { get; set; }

    /// <summary>The identifier as sent (external id, device id, or alias name).</summary>
    public string Value { get; set; } = "";

    /// <summary>The alias label, for alias rows.</summary>
    public string? AliasLabel { get; set; }

    public static IdentifierEntity For(WorkspaceId workspace, Identifier identifier, UserId owner, bool matchable, DateTimeOffset indexedAt)
    {
        var (partition, row) = StorageKeys.Identifier(workspace, identifier);
        return new IdentifierEntity
        {
            PartitionKey = partition,
            RowKey = row,
            UserId = owner.Value,
            Matchable = matchable,
            IndexedAt = indexedAt,
            Value = identifier.Value,
            AliasLabel = identifier.AliasLabel,
        };
    }

    /// <summary>Whether this row is really the row of <paramref name="identifier"/> (not a hash collision).</summary>
    public bool Holds(Identifier identifier) =>
        string.Equals(Value, identifier.Value, StringComparison.Ordinal)
        && string.Equals(AliasLabel ?? "", identifier.AliasLabel ?? "", StringComparison.Ordinal);

    public IdentifierOwner? ToOwner() =>
        Users.UserId.TryParse(UserId, out var user) ? new IdentifierOwner(user, Matchable) { IndexedAt = IndexedAt } : null;
}
