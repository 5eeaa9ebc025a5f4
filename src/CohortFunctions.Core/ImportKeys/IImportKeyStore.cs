using CohortFunctions.Workspaces;

namespace CohortFunctions.ImportKeys;

/// <summary>Where data import keys are kept (port; <c>AzureTableImportKeyStore</c> is the adapter).</summary>
internal interface IImportKeyStore
{
    Task AddAsync(StoredImportKey key, CancellationToken cancellationToken);

    Task<IReadOnlyList<DataImportKey>> ListAsync(WorkspaceId workspace, string partner, CancellationToken cancellationToken);

    /// <summary>Every workspace that has at least one key, valid or not (a workspace exists once it has a key).</summary>
    Task<IReadOnlyList<WorkspaceId>> ListWorkspacesAsync(CancellationToken cancellationToken);

    Task<StoredImportKey?> GetAsync(WorkspaceId workspace, string partner, string keyId, CancellationToken cancellationToken);

    /// <summary>Marks the key invalid from <paramref name="at"/>; the lookup by hash is updated first, so it is authoritative.</summary>
    Task InvalidateAsync(StoredImportKey key, DateTimeOffset at, CancellationToken cancellationToken);

    Task<StoredImportKey?> FindByHashAsync(string secretHash, CancellationToken cancellationToken);

    Task RecordLastUsedAsync(DataImportKey key, DateTimeOffset at, CancellationToken cancellationToken);
}
