namespace CohortFunctions.Resync;

/// <summary>What one resync pass (or the part of it that fit in its budget) did.</summary>
internal sealed record ResyncOutcome(int Retried, int Applied, int Expired, int StillPending, bool Complete)
{
    public static ResyncOutcome Nothing { get; } = new(0, 0, 0, 0, true);

    public ResyncOutcome Plus(ResyncOutcome other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Retried + other.Retried, Applied + other.Applied, Expired + other.Expired, StillPending + other.StillPending, Complete && other.Complete);
    }
}
