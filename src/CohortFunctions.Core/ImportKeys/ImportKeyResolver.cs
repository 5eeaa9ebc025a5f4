using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CohortFunctions.ImportKeys;

/// <summary>
/// Resolves the <c>client_secret</c> of a postback to its workspace: one point read by hash, cached for at most
/// <see cref="ImportKeysOptions.CacheSeconds"/>; <c>last_used_at</c> is written at most once per interval per instance.
/// </summary>
internal sealed partial class ImportKeyResolver(
    IImportKeyStore store,
    IMemoryCache cache,
    TimeProvider time,
    IOptions<ImportKeysOptions> options,
    ILogger<ImportKeyResolver> logger)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastUsedWritten = new(StringComparer.Ordinal);

    public async Task<ImportKeyResolution> ResolveAsync(string? secret, string partner, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 256)
        {
            return ImportKeyResolution.Unknown;
        }

        var hash = ImportKeySecrets.Hash(secret);
        var stored = await FindAsync(hash, cancellationToken).ConfigureAwait(false);
        if (stored is null || !ImportKeySecrets.HashesMatch(stored.SecretHash, hash))
        {
            return ImportKeyResolution.Unknown;
        }

        var key = stored.Key;
        if (!key.IsValid)
        {
            return new ImportKeyResolution(ImportKeyStatus.Invalidated, key.Workspace, key.KeyHint);
        }

        if (!string.Equals(key.Partner, partner, StringComparison.Ordinal))
        {
            return new ImportKeyResolution(ImportKeyStatus.OtherPartner, key.Workspace, key.KeyHint);
        }

        await RecordUseAsync(key, cancellationToken).ConfigureAwait(false);
        return new ImportKeyResolution(ImportKeyStatus.Valid, key.Workspace, key.KeyHint, key.KeyId);
    }

    /// <summary>Drops a key from this instance's cache, so its invalidation takes effect here at once.</summary>
    public void Forget(string secretHash) => cache.Remove(CacheKey(secretHash));

    private async Task<StoredImportKey?> FindAsync(string hash, CancellationToken cancellationToken)
    {
        var ttl = TimeSpan.FromSeconds(options.Value.CacheSeconds);
        if (ttl > TimeSpan.Zero && cache.TryGetValue(CacheKey(hash), out StoredImportKey? cached))
        {
            return cached;
        }

        var stored = await store.FindByHashAsync(hash, cancellationToken).ConfigureAwait(false);
        if (ttl > TimeSpan.Zero && stored is not null)
        {
            // Unknown secrets are not cached: a guessing sender must not fill this instance's memory.
            cache.Set(CacheKey(hash), stored, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = ttl, Size = 1 });
        }

        return stored;
    }

    private async Task RecordUseAsync(DataImportKey key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var interval = TimeSpan.FromSeconds(options.Value.LastUsedWriteIntervalSeconds);
        var previous = _lastUsedWritten.GetValueOrDefault(key.KeyId, DateTimeOffset.MinValue);
        if (now - previous < interval || !_lastUsedWritten.TryUpdate(key.KeyId, now, previous) && !_lastUsedWritten.TryAdd(key.KeyId, now))
        {
            return;
        }

        try
        {
            await store.RecordLastUsedAsync(key, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Usage time is informational: failing to record it must not fail the postback that used the key.
            Log.LastUsedNotRecorded(logger, key.KeyId, ex);
        }
    }

    private static string CacheKey(string hash) => "import-key:" + hash;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record last use of data import key {KeyId}")]
        public static partial void LastUsedNotRecorded(ILogger logger, string keyId, Exception exception);
    }
}
