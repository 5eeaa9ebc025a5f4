using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;

namespace CohortFunctions.Users;

/// <summary>Why the entry at <see cref="Index"/> of a batch request was not applied.</summary>
internal sealed record UserEntryError(int Index, string Message);

/// <summary>What <c>POST .../users</c> did: entries applied as new users, as updates, and the rejected ones.</summary>
internal sealed record UpsertUsersOutcome(int Created, int Updated, IReadOnlyList<UserEntryError> Errors);

/// <summary>What <c>POST .../users/identify</c> did: users identified in place, merged into an existing user, rejected entries.</summary>
internal sealed record IdentifyUsersOutcome(int Identified, int Merged, IReadOnlyList<UserEntryError> Errors);

/// <summary>A user as a lookup shows it: the profile and the cohorts it is a member of.</summary>
internal sealed record UserDetails(UserProfile Profile, IReadOnlyList<CohortRef> Cohorts);

/// <summary>How one entry of a batch request ended.</summary>
internal enum EntryResult
{
    Created,
    Updated,
    Identified,
    Merged,
    Failed,
}

internal readonly record struct EntryOutcome(EntryResult Result, string? Error)
{
    public static EntryOutcome Of(EntryResult result) => new(result, null);

    public static EntryOutcome Failed(string error) => new(EntryResult.Failed, error);
}

/// <summary>An identifier of a validated entry, with the request field it came from (for error messages).</summary>
internal sealed record EntryIdentifier(Identifier Identifier, string Field);

/// <summary>
/// A user entry that passed validation: identifiers deduplicated, in claim order (external id, aliases, device ids).
/// </summary>
internal sealed record UserEntry(int Index, string? ExternalId, IReadOnlyList<string> DeviceIds, IReadOnlyList<UserAlias> Aliases, IReadOnlyList<EntryIdentifier> Identifiers);

/// <summary>An identify entry that passed validation; <see cref="Lookup"/> finds the anonymous user.</summary>
internal sealed record IdentifyEntry(int Index, string ExternalId, Identifier Lookup, string LookupField);
