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

/// <summary>A key as stored: the operator's view plus the hash the secret is recognised by.</summary>
internal sealed record StoredImportKey(DataImportKey Key, string SecretHash);

/// <summary>A freshly generated key: the only moment the secret exists outside the sender's hands.</summary>
internal sealed record GeneratedImportKey(DataImportKey Key, string Secret);
