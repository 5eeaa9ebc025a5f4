using CohortFunctions.Memberships;

namespace CohortFunctions.Resync;

/// <summary>What one resync pass (or the part of it that fit in its budget) did.</summary>
internal sealed record ResyncOutcome(int Retried, int Applied, int Expired, int StillPending, bool Complete)
{
    public static ResyncOutcome Nothing { get; } = new(0, 0, 0, 0, true);

    /// <summary>What applying the identifiers that matched did to the memberships (the sync history records it).</summary>
    public MembershipResult Changes { get; init; } = MembershipResult.None;

    public ResyncOutcome Plus(ResyncOutcome other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Retried + other.Retried, Applied + other.Applied, Expired + other.Expired, StillPending + other.StillPending, Complete && other.Complete)
        {
            Changes = Changes.Plus(other.Changes),
        };
    }
}
