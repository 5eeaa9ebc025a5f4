using CohortFunctions.Identifiers;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Matching;

/// <summary>
/// Who an identifier belongs to. <see cref="Matchable"/> is false for a device id whose user has been identified:
/// the row stays (so operators can still look the device up) but postbacks must not match it.
/// </summary>
internal sealed record IdentifierOwner(UserId UserId, bool Matchable)
{
    /// <summary>
    /// When the index row was last written, by the app's clock; null when unknown. Matching only changes when the row
    /// is written, so an identifier whose row is older than the time it was found unmatched has not been unmatched
    /// since that row was written.
    /// </summary>
    public DateTimeOffset? IndexedAt { get; init; }
}

/// <summary>
/// The identifier index: one row per external id, device id and alias, each in its own partition, so resolving a
/// postback's identifiers is one point read each and no partition is hot. Written by the users feature; read by
/// matching.
/// </summary>
internal interface IIdentifierIndex
{
    Task<IdentifierOwner?> FindAsync(WorkspaceId workspace, Identifier identifier, CancellationToken cancellationToken);
}
