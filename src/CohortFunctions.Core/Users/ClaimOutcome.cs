namespace CohortFunctions.Users;

/// <summary>
/// A claim took the row (<see cref="Claimed"/>), found it already the claimant's (neither set), or was refused; a
/// refusal by a user names it (<see cref="HeldBy"/>) and carries its row and profile as the claim read them
/// (<see cref="Holder"/>), so the caller need not read them again.
/// </summary>
internal sealed record ClaimOutcome(ClaimedIdentifier? Claimed, string? Refusal, UserId? HeldBy, IdentifierHolder? Holder = null)
{
    public static ClaimOutcome AlreadyHeld { get; } = new(null, null, null);

    public static ClaimOutcome Took(ClaimedIdentifier claimed) => new(claimed, null, null);

    public static ClaimOutcome Refused(string reason, UserId? heldBy, IdentifierHolder? holder = null) => new(null, reason, heldBy, holder);
}
