using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>
/// Every PartitionKey and RowKey the app writes is built here, so that the key layout can be read in one place.
/// Workspace ids, partner slugs and key ids have restricted alphabets (validated before they get here); user-supplied
/// identifiers are encoded injectively before they become part of a key.
/// </summary>
public static class StorageKeys
{
    /// <summary>Empty RowKey for tables where the partition is the entity.</summary>
    public const string NoRow = "";

    /// <summary>
    /// The lookup row of a data import key: one partition per key hash, so resolving a postback's key is a point
    /// read and no partition is hot.
    /// </summary>
    public static (string PartitionKey, string RowKey) ImportKeyByHash(string keyHash) => ($"hash-{keyHash}", NoRow);

    /// <summary>The partition listing a workspace's keys for one partner.</summary>
    public static string ImportKeyListing(WorkspaceId workspace, string partner) => $"ws-{workspace.Value}-p-{partner}";
}
