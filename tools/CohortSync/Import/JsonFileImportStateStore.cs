using System.Text.Json;
using System.Text.Json.Serialization;

namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// An import's state in a small JSON file, written to a temporary file and renamed into place, so that a crash or a
/// kill at any moment leaves either the previous state or the new one, never half of one.
/// </summary>
internal sealed class JsonFileImportStateStore(string path)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Path { get; } = path;

    /// <exception cref="InvalidDataException">The file exists but is not an import state this tool wrote.</exception>
    public async Task<ImportState?> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        var stream = File.OpenRead(Path);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                var state = await JsonSerializer.DeserializeAsync<ImportState>(stream, Json, cancellationToken).ConfigureAwait(false);
                if (state is { Version: ImportState.FormatVersion })
                {
                    return state;
                }
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"State file '{Path}' is not an import state of cohort-sync users; delete it or give another --state.", e);
            }
        }

        throw new InvalidDataException($"State file '{Path}' is not an import state of version {ImportState.FormatVersion}; delete it or give another --state.");
    }

    public async Task SaveAsync(ImportState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        var temporary = Path + ".tmp";
        var stream = File.Create(temporary);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, state, Json, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, Path, overwrite: true);
    }
}
