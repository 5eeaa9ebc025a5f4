using CohortFunctions.Memberships;

namespace CohortFunctions.Matching;

/// <summary>
/// The users a postback's identifiers resolved to, each with its final wanted state; the identifiers that matched;
/// and those that matched no one.
/// </summary>
internal sealed record MatchResult(IReadOnlyList<MembershipChange> Changes, IReadOnlyList<MatchedIdentifier> Matched, IReadOnlyList<UnmatchedIdentifier> Unmatched);
