namespace CohortFunctions.Users;

/// <summary>What claiming an entry's identifiers did: the rows it took, and the conflict it stopped at, if any.</summary>
internal sealed record EntryClaims(IReadOnlyList<ClaimedIdentifier> Claimed, ClaimConflict? Conflict);
