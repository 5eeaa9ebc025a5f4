using CohortFunctions.ImportKeys;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortFunctions.UnitTests.TestSupport;

/// <summary>Stored data import keys for tests, with the secret they were made from.</summary>
internal static class TestKeys
{
    public static readonly DateTimeOffset CreatedAt = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public static WorkspaceId Workspace(string value = "acme") =>
        WorkspaceId.Parse(value).TryGetValue(out var id, out _) ? id : throw new ArgumentException($"'{value}' is not a workspace id.", nameof(value));

    /// <summary>A stored key for <paramref name="secret"/>, as the store would return it.</summary>
    public static StoredImportKey Stored(
        string secret,
        string partner = "amplitude",
        string workspace = "acme",
        string keyId = "0123456789abcdef",
        DateTimeOffset? invalidatedAt = null) =>
        new(
            new DataImportKey(keyId, Workspace(workspace), partner, ImportKeySecrets.Hint(secret), CreatedAt, invalidatedAt, null),
            ImportKeySecrets.Hash(secret));

    /// <summary>The resolver postbacks use, over <paramref name="store"/>, with the default options unless given.</summary>
    public static ImportKeyResolver Resolver(IImportKeyStore store, IMemoryCache cache, TimeProvider time, ImportKeysOptions? options = null) =>
        new(store, cache, time, Options.Create(options ?? new ImportKeysOptions()), NullLogger<ImportKeyResolver>.Instance);
}
