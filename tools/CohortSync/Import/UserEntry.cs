namespace CohortFunctions.CohortSync.Import;

/// <summary>One user as the users API takes it: at least one identifier.</summary>
/// <param name="ExternalId">The external id, or <c>null</c>.</param>
/// <param name="DeviceIds">Device ids, distinct, in mapping order.</param>
/// <param name="Aliases">Aliases, one per label, in mapping order.</param>
public sealed record UserEntry(string? ExternalId, IReadOnlyList<string> DeviceIds, IReadOnlyList<UserAliasValue> Aliases);
