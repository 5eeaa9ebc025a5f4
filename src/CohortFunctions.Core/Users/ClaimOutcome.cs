namespace CohortFunctions.Users;

/// <summary>A claim took the row (<see cref="Claimed"/>), found it already the claimant's (neither set), or was refused.</summary>
internal sealed record ClaimOutcome(ClaimedIdentifier? Claimed, string? Refusal, UserId? HeldBy)
{
    public static ClaimOutcome AlreadyHeld { get; } = new(null, null, null);

    public static ClaimOutcome Took(ClaimedIdentifier claimed) => new(claimed, null, null);

    public static ClaimOutcome Refused(string reason, UserId? heldBy) => new(null, reason, heldBy);
}
