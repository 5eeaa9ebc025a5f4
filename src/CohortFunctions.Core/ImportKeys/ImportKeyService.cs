using CohortFunctions.Partners;
using CohortFunctions.Results;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Logging;

namespace CohortFunctions.ImportKeys;

/// <summary>The operator's side of data import keys: generate, list, invalidate.</summary>
internal sealed partial class ImportKeyService(
    IImportKeyStore store,
    PartnerCatalog partners,
    ImportKeyResolver resolver,
    TimeProvider time,
    ILogger<ImportKeyService> logger)
{
    public async Task<Result<GeneratedImportKey>> GenerateAsync(string? workspace, string? partner, CancellationToken cancellationToken)
    {
        if (!Check(workspace, partner).TryGetValue(out var target, out var failure))
        {
            return failure;
        }

        var (ws, configured) = target;
        var secret = ImportKeySecrets.NewSecret();
        var key = new DataImportKey(
            ImportKeySecrets.NewKeyId(), ws, configured.Name, ImportKeySecrets.Hint(secret), time.GetUtcNow(), null, null);
        await store.AddAsync(new StoredImportKey(key, ImportKeySecrets.Hash(secret)), cancellationToken).ConfigureAwait(false);
        Log.KeyGenerated(logger, ws.Value, key.Partner, key.KeyId);
        return new GeneratedImportKey(key, secret);
    }

    public async Task<Result<IReadOnlyList<DataImportKey>>> ListAsync(string? workspace, string? partner, CancellationToken cancellationToken)
    {
        if (!Check(workspace, partner).TryGetValue(out var target, out var failure))
        {
            return failure;
        }

        var keys = await store.ListAsync(target.Workspace, target.Partner.Name, cancellationToken).ConfigureAwait(false);
        return Result.Success(keys);
    }

    /// <summary>Every workspace that exists, in id order: a workspace is created by the first key generated for it.</summary>
    public async Task<IReadOnlyList<WorkspaceId>> ListWorkspacesAsync(CancellationToken cancellationToken) =>
        [.. (await store.ListWorkspacesAsync(cancellationToken).ConfigureAwait(false)).OrderBy(w => w.Value, StringComparer.Ordinal)];

    /// <summary>Invalidates a key; invalidating an already invalid key succeeds and keeps its first invalidation time.</summary>
    public async Task<Result<DataImportKey>> InvalidateAsync(string? workspace, string? partner, string? keyId, CancellationToken cancellationToken)
    {
        if (!Check(workspace, partner).TryGetValue(out var target, out var failure))
        {
            return failure;
        }

        var (ws, configured) = target;
        var stored = string.IsNullOrEmpty(keyId) || !IsKeyId(keyId)
            ? null
            : await store.GetAsync(ws, configured.Name, keyId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return Failure.NotFound($"No data import key '{keyId}' for partner '{partner}' in workspace '{ws}'.");
        }

        if (stored.Key.IsValid)
        {
            var now = time.GetUtcNow();
            await store.InvalidateAsync(stored, now, cancellationToken).ConfigureAwait(false);
            stored = stored with { Key = stored.Key with { InvalidatedAt = now } };
            Log.KeyInvalidated(logger, ws.Value, stored.Key.Partner, stored.Key.KeyId);
        }

        resolver.Forget(stored.SecretHash);
        return stored.Key;
    }

    /// <summary>The workspace and the configured partner a key request is for, or why it is invalid (workspace first).</summary>
    private Result<(WorkspaceId Workspace, Partner Partner)> Check(string? workspace, string? partner)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        return partners.TryGet(partner, out var configured) ? (ws, configured) : Failure.NotFound(PartnerCatalog.UnknownPartnerMessage(partner ?? ""));
    }

    private static bool IsKeyId(string value) => value.Length <= 64 && value.All(char.IsAsciiLetterOrDigit);

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Data import key {KeyId} generated for workspace {Workspace}, partner {Partner}")]
        public static partial void KeyGenerated(ILogger logger, string workspace, string partner, string keyId);

        [LoggerMessage(Level = LogLevel.Information, Message = "Data import key {KeyId} invalidated for workspace {Workspace}, partner {Partner}")]
        public static partial void KeyInvalidated(ILogger logger, string workspace, string partner, string keyId);
    }
}
