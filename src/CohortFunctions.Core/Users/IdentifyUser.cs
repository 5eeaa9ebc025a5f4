using CohortFunctions.Identifiers;

namespace CohortFunctions.Users;

/// <summary>One element of <c>identify</c>: the anonymous user (by exactly one of device id and alias) and its external id.</summary>
internal sealed record IdentifyUser(string ExternalId, string? DeviceId, UserAlias? UserAlias);
