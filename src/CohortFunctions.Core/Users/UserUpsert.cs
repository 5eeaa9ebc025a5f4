using CohortFunctions.Identifiers;

namespace CohortFunctions.Users;

/// <summary>One element of <c>users</c> as sent; its values are checked by <see cref="UserService"/>.</summary>
internal sealed record UserUpsert(string? ExternalId, IReadOnlyList<string> DeviceIds, IReadOnlyList<UserAlias> Aliases);
