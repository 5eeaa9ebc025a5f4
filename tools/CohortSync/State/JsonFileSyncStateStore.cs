using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CohortFunctions.CohortSync.Members;

namespace CohortFunctions.CohortSync.State;

/// <summary>
/// Sync state in a JSON file, by default <c>.cohort-sync/&lt;partner&gt;-&lt;cohort id&gt;.json</c>. Identifiers are
/// grouped the way Braze's request groups them (<c>user_ids</c>, <c>device_ids</c>, <c>aliases</c>) and sorted, so the
/// file is compact and diffs between runs read well. Written to a temporary file and moved into place, so a
/// crash never leaves half a state.
/// </summary>
public sealed class JsonFileSyncStateStore(string path) : ISyncStateStore
{
    public const string DefaultDirectory = ".cohort-sync";

    private const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Path { get; } = path;

    /// <summary>
    /// The default state file of a cohort. Cohort ids may hold characters a file name cannot; those are replaced,
    /// and a hash of the real id is appended so that two ids never share a file.
    /// </summary>
    public static string DefaultPath(string partner, string cohortId)
    {
        ArgumentException.ThrowIfNullOrEmpty(partner);
        ArgumentException.ThrowIfNullOrEmpty(cohortId);
        var name = $"{partner}-{cohortId}";
        var safe = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        if (safe != name || safe.StartsWith('.'))
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..12];
            safe = $"{safe.TrimStart('.')}-{hash}";
        }

        return System.IO.Path.Combine(DefaultDirectory, safe + ".json");
    }

    /// <exception cref="InvalidDataException">The file exists but is not a state file this tool wrote.</exception>
    public async Task<SyncState?> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        StateFile? file;
        var stream = File.OpenRead(Path);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                file = await JsonSerializer.DeserializeAsync<StateFile>(stream, Json, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"State file '{Path}' is not valid JSON; delete it to start with a full sync.", e);
            }
        }

        if (file is not { Version: FormatVersion, Partner: { } partner, CohortId: { } cohortId, CohortName: { } name, Endpoint: { } endpoint })
        {
            throw new InvalidDataException($"State file '{Path}' is not a cohort-sync state file of version {FormatVersion}; delete it to start with a full sync.");
        }

        var members = new HashSet<MemberIdentifier>();
        members.UnionWith((file.UserIds ?? []).Select(MemberIdentifier.UserId));
        members.UnionWith((file.DeviceIds ?? []).Select(MemberIdentifier.DeviceId));
        members.UnionWith((file.Aliases ?? []).Select(a => MemberIdentifier.Alias(a.AliasLabel, a.AliasName)));
        return new SyncState(partner, cohortId, name, endpoint, file.SyncedAt, members);
    }

    public async Task SaveAsync(SyncState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var file = new StateFile
        {
            Version = FormatVersion,
            Partner = state.Partner,
            CohortId = state.CohortId,
            CohortName = state.CohortName,
            Endpoint = state.Endpoint,
            SyncedAt = state.SyncedAt,
            UserIds = Values(state.Members, IdentifierKind.UserId),
            DeviceIds = Values(state.Members, IdentifierKind.DeviceId),
            Aliases = [.. state.Members
                .Where(m => m.Kind == IdentifierKind.Alias)
                .Select(m => new AliasEntry(m.Value, m.AliasLabel!))
                .OrderBy(a => a.AliasLabel, StringComparer.Ordinal)
                .ThenBy(a => a.AliasName, StringComparer.Ordinal)],
        };

        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path + ".tmp";
        var stream = File.Create(temporary);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, file, Json, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, Path, overwrite: true);
    }

    private static List<string> Values(IEnumerable<MemberIdentifier> members, IdentifierKind kind) =>
        [.. members.Where(m => m.Kind == kind).Select(m => m.Value).Order(StringComparer.Ordinal)];

    private sealed record AliasEntry(string AliasName, string AliasLabel);

    private sealed class StateFile
    {
        public int Version { get; init; }

        public string? Partner { get; init; }

        public string? CohortId { get; init; }

        public string? CohortName { get; init; }

        public string? Endpoint { get; init; }

        public DateTimeOffset SyncedAt { get; init; }

        public List<string>? UserIds { get; init; }

        public List<string>? DeviceIds { get; init; }

        public List<AliasEntry>? Aliases { get; init; }
    }
}
