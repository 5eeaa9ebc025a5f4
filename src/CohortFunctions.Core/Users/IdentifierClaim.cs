namespace CohortFunctions.Users;

/// <summary>The outcome of <see cref="IUserStore.AddIdentifierAsync"/>; <see cref="Row"/> is set for Added and Held.</summary>
internal sealed record IdentifierClaim(ClaimStatus Status, IndexedIdentifier? Row);
