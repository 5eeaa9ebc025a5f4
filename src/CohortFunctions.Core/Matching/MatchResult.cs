using CohortFunctions.Memberships;

namespace CohortFunctions.Matching;

/// <summary>
/// The users a list of identifier intents resolved to, each with its final wanted state; the identifiers that
/// matched; and those that matched no one, each with the last intent given for it.
/// </summary>
internal sealed record MatchResult(IReadOnlyList<MembershipChange> Changes, IReadOnlyList<MatchedIdentifier> Matched, IReadOnlyList<IdentifierIntent> Unmatched);
