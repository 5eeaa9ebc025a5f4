using CohortFunctions.Identifiers;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Users;

/// <summary>
/// A user of the platform. Anonymous while it has no external id; once identified it never becomes anonymous
/// again, and its device ids stop matching postbacks (<see cref="WasAnonymous"/> remembers where it came from).
/// </summary>
internal sealed record UserProfile(
    UserId UserId,
    WorkspaceId Workspace,
    string? ExternalId,
    IReadOnlyList<string> DeviceIds,
    IReadOnlyList<UserAlias> Aliases,
    bool WasAnonymous,
    DateTimeOffset CreatedAt)
{
    public bool IsAnonymous => ExternalId is null;
}
