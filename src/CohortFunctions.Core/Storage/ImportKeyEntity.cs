using CohortFunctions.ImportKeys;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>Storage shape of both rows of a data import key.</summary>
internal sealed class ImportKeyEntity : TableRow
{
    public string KeyId { get; set; } = "";

    public string Workspace { get; set; } = "";

    public string Partner { get; set; } = "";

    public string KeyHint { get; set; } = "";

    public string SecretHash { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? InvalidatedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public static ImportKeyEntity Lookup(StoredImportKey key)
    {
        var (partition, row) = StorageKeys.ImportKeyByHash(key.SecretHash);
        return From(key, partition, row);
    }

    public static ImportKeyEntity Listing(StoredImportKey key) =>
        From(key, StorageKeys.ImportKeyListing(key.Key.Workspace, key.Key.Partner), key.Key.KeyId);

    public StoredImportKey ToStored()
    {
        var workspace = WorkspaceId.Parse(Workspace).TryGetValue(out var ws, out _)
            ? ws
            : throw new InvalidDataException($"Stored import key {KeyId} has an invalid workspace id.");
        return new StoredImportKey(
            new DataImportKey(KeyId, workspace, Partner, KeyHint, CreatedAt, InvalidatedAt, LastUsedAt),
            SecretHash);
    }

    private static ImportKeyEntity From(StoredImportKey key, string partition, string row) => new()
    {
        PartitionKey = partition,
        RowKey = row,
        KeyId = key.Key.KeyId,
        Workspace = key.Key.Workspace.Value,
        Partner = key.Key.Partner,
        KeyHint = key.Key.KeyHint,
        SecretHash = key.SecretHash,
        CreatedAt = key.Key.CreatedAt,
        InvalidatedAt = key.Key.InvalidatedAt,
        LastUsedAt = key.Key.LastUsedAt,
    };
}
