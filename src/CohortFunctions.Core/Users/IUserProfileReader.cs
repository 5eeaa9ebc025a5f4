using CohortFunctions.Workspaces;

namespace CohortFunctions.Users;

/// <summary>Reads the profiles behind a page of user ids (point reads in parallel; missing users are left out).</summary>
internal interface IUserProfileReader
{
    Task<IReadOnlyDictionary<UserId, UserSummary>> GetSummariesAsync(WorkspaceId workspace, IReadOnlyCollection<UserId> users, CancellationToken cancellationToken);
}
