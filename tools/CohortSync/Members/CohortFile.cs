using CsvHelper;

namespace CohortFunctions.CohortSync.Members;

/// <summary>A cohort file that cannot be used: missing, malformed, or without the mapped columns.</summary>
public sealed class CohortFileException : Exception
{
    public CohortFileException()
    {
    }

    public CohortFileException(string message)
        : base(message)
    {
    }

    public CohortFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Reads a cohort membership file: CSV (RFC 4180) with a header row, one member per row, columns such as
/// <c>user_id</c>, <c>device_id</c>, <c>amplitude_id</c> and any alias columns. Header names match ignoring case and
/// surrounding spaces; values are trimmed.
/// </summary>
public static class CohortFile
{
    private static readonly CsvReaderOptions ReaderOptions = new()
    {
        Separator = ',',
        HasHeader = true,
        TrimWhitespace = true,
        SkipEmptyLines = true,

        // A file that is not CSV must stop the sync rather than send guesses; values are member ids, so they stay
        // out of exception messages.
        MalformedData = CsvMalformedDataHandling.Throw,
        IncludeValuesInExceptions = false,
        TrackLineNumbers = true,
    };

    /// <summary>Reads the file at <paramref name="path"/>; see <see cref="ReadAsync(Stream, IdentifierMapping, CancellationToken)"/>.</summary>
    public static async Task<CohortSnapshot> ReadAsync(string path, IdentifierMapping mapping, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CohortFileException($"Cannot read cohort file '{path}': {e.Message}", e);
        }

        await using (stream.ConfigureAwait(false))
        {
            return await ReadAsync(stream, mapping, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads every row and resolves each to one identifier with <paramref name="mapping"/>.
    /// </summary>
    /// <exception cref="CohortFileException">The input is malformed, has no header, or lacks a mapped column.</exception>
    public static async Task<CohortSnapshot> ReadAsync(Stream stream, IdentifierMapping mapping, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(mapping);
        var reader = CsvReader.Create(stream, ReaderOptions, leaveOpen: true);
        await using (reader.ConfigureAwait(false))
        {
            try
            {
                await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
                var columns = ColumnIndexes(reader, mapping);
                var members = new HashSet<MemberIdentifier>();
                int rows = 0, unresolved = 0, duplicates = 0;
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows++;
                    var identifier = mapping.Resolve(column => reader.GetString(columns[column]));
                    if (identifier is not { } resolved)
                    {
                        unresolved++;
                    }
                    else if (!members.Add(resolved))
                    {
                        duplicates++;
                    }
                }

                return new CohortSnapshot(members, rows, unresolved, duplicates);
            }
            catch (CsvFormatException e)
            {
                throw new CohortFileException($"The cohort file is not valid CSV: {e.Message}", e);
            }
        }
    }

    private static Dictionary<string, int> ColumnIndexes(CsvReader reader, IdentifierMapping mapping)
    {
        if (reader.Headers.Count == 0)
        {
            throw new CohortFileException("The cohort file is empty: it needs a header row naming its columns.");
        }

        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var column in mapping.Rules.Select(r => r.Column).Distinct(StringComparer.Ordinal))
        {
            if (!reader.TryGetFieldIndex(column, out var index))
            {
                throw new CohortFileException(
                    $"The cohort file has no column '{column}' named in the identifier mapping; its columns are: {string.Join(", ", reader.Headers)}.");
            }

            indexes[column] = index;
        }

        return indexes;
    }
}
