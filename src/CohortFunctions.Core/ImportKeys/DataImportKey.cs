using CohortFunctions.Workspaces;

namespace CohortFunctions.ImportKeys;

/// <summary>A data import key as an operator sees it: never the secret, only its hint.</summary>
internal sealed record DataImportKey(
    string KeyId,
    WorkspaceId Workspace,
    string Partner,
    string KeyHint,
    DateTimeOffset CreatedAt,
    DateTimeOffset? InvalidatedAt,
    DateTimeOffset? LastUsedAt)
{
    public bool IsValid => InvalidatedAt is null;
}
