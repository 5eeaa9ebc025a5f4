using CohortFunctions.Identifiers;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Users;

/// <summary>
/// User profiles and the identifier index rows that point at them (port; <c>AzureTableUserStore</c> is the adapter).
/// Every write is conditional or create-only, so <see cref="UserService"/> can order its steps to stay consistent
/// under concurrency and crashes: profile first, then index rows; index rows released before a profile is deleted.
/// </summary>
internal interface IUserStore
{
    Task<StoredUser?> GetAsync(WorkspaceId workspace, UserId user, CancellationToken cancellationToken);

    /// <summary>Adds a new profile (user ids are random, so it cannot exist) and returns its version.</summary>
    Task<string> CreateAsync(UserProfile profile, CancellationToken cancellationToken);

    /// <summary>Replaces the profile if it is still at <paramref name="version"/>; null when it changed or is gone.</summary>
    Task<string?> ReplaceAsync(UserProfile profile, string version, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the profile if it is still at <paramref name="version"/> (any version when null). False only when it
    /// changed; deleting a missing profile succeeds.
    /// </summary>
    Task<bool> DeleteAsync(WorkspaceId workspace, UserId user, string? version, CancellationToken cancellationToken);

    /// <summary>The index row of <paramref name="identifier"/>, or null when there is none (or the key holds another identifier).</summary>
    Task<IndexedIdentifier?> GetIdentifierAsync(WorkspaceId workspace, Identifier identifier, CancellationToken cancellationToken);

    /// <summary>Adds the index row of <paramref name="identifier"/> for <paramref name="owner"/> unless a row exists; says which.</summary>
    Task<IdentifierClaim> AddIdentifierAsync(WorkspaceId workspace, Identifier identifier, UserId owner, bool matchable, CancellationToken cancellationToken);

    /// <summary>Points the row at <paramref name="owner"/> if it is still at <paramref name="version"/>; the new version, or null.</summary>
    Task<string?> ReplaceIdentifierAsync(WorkspaceId workspace, Identifier identifier, UserId owner, bool matchable, string version, CancellationToken cancellationToken);

    /// <summary>Deletes the row if it is still at <paramref name="version"/>. False only when it changed; a missing row is success.</summary>
    Task<bool> DeleteIdentifierAsync(WorkspaceId workspace, Identifier identifier, string version, CancellationToken cancellationToken);
}
