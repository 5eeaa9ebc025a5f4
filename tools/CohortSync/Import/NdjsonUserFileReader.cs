using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// Reads an NDJSON user file (UTF-8): one JSON object per line, the mapped fields at its top level (names matched
/// exactly). A field's value is a string or a number (taken as written); a device id field may also hold an array
/// of them. <c>null</c> and a missing field mean no value. Lines that are not a JSON object, repeat a mapped field, give
/// a field another type, or have more than <see cref="UserFileReader.MaxLineBytes"/> bytes are reported as
/// malformed and never sent.
/// </summary>
internal sealed class NdjsonUserFileReader(Stream file, UserMapping mapping) : IUserFileReader
{
    private const string Noun = "field";

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 16 };

    private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    private readonly LineReader _lines = new(file, UserFileReader.MaxLineBytes);

    public long FirstDataLine => 1;

    public long LinesRead => _lines.LinesRead;

    public async IAsyncEnumerable<UserRecord> ReadAsync(Func<long, bool> skip, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skip);
        while (await _lines.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (skip(line.Number))
            {
                continue;
            }

            if (line.TooLong)
            {
                yield return UserRecord.Malformed(line.Number, UserFileReader.TooLongProblem);
                continue;
            }

            var bytes = line.Number == 1 && line.Bytes.Span.StartsWith(ByteOrderMark) ? line.Bytes[ByteOrderMark.Length..] : line.Bytes;
            if (IsBlank(bytes.Span))
            {
                continue;
            }

            yield return Map(line.Number, bytes);
        }
    }

    public ValueTask DisposeAsync() => file.DisposeAsync();

    private UserRecord Map(long line, ReadOnlyMemory<byte> bytes)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, ParseOptions);
        }
        catch (JsonException e)
        {
            // The parser's own message quotes the offending character: say only where it is.
            return UserRecord.Malformed(line, string.Create(CultureInfo.InvariantCulture, $"invalid JSON at byte {(e.BytePositionInLine ?? 0) + 1} of the line."));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return UserRecord.Malformed(line, "the line is not a JSON object.");
            }

            var values = new Dictionary<string, string[]>(mapping.Columns.Count, StringComparer.Ordinal);
            foreach (var column in mapping.Columns)
            {
                values[column] = [];
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            try
            {
                foreach (var property in root.EnumerateObject())
                {
                    if (!values.ContainsKey(property.Name))
                    {
                        continue;
                    }

                    if (!seen.Add(property.Name))
                    {
                        return UserRecord.Malformed(line, $"{Noun} '{property.Name}' appears twice.");
                    }

                    if (Values(property.Value, mapping.AllowsManyValues(property.Name)) is not { } found)
                    {
                        var expected = mapping.AllowsManyValues(property.Name) ? "a string, a number or an array of them" : "a string or a number";
                        return UserRecord.Malformed(line, $"{Noun} '{property.Name}' must be {expected}.");
                    }

                    values[property.Name] = found;
                }
            }
            catch (InvalidOperationException)
            {
                // A string that is not valid UTF-8, or an escaped unpaired surrogate.
                return UserRecord.Malformed(line, ImportBatcher.NotUnicodeProblem);
            }

            return mapping.TryResolve(column => values[column], Noun, out var entry, out var problem)
                ? UserRecord.Valid(line, entry)
                : UserRecord.Malformed(line, problem);
        }
    }

    /// <summary>The values of a field, or <c>null</c> when it has a type the mapping cannot take.</summary>
    private static string[]? Values(JsonElement value, bool allowsMany)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (Scalar(value) is { } single)
        {
            return [single];
        }

        if (value.ValueKind != JsonValueKind.Array || !allowsMany)
        {
            return null;
        }

        var many = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (Scalar(item) is not { } text)
            {
                return null;
            }

            many.Add(text);
        }

        return [.. many];
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    private static bool IsBlank(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0;
}
