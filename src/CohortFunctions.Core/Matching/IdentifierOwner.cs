using CohortFunctions.Users;

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
