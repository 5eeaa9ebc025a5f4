using CohortFunctions.Identifiers;

namespace CohortFunctions.Users;

/// <summary>
/// A user entry that passed validation: identifiers deduplicated, in claim order (external id, aliases, device ids).
/// </summary>
internal sealed record UserEntry(int Index, string? ExternalId, IReadOnlyList<string> DeviceIds, IReadOnlyList<UserAlias> Aliases, IReadOnlyList<EntryIdentifier> Identifiers);
