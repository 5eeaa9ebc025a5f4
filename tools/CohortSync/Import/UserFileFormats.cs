namespace CohortFunctions.CohortSync.Import;

/// <summary>Names of <see cref="UserFileFormat"/>s, on the command line and from file extensions.</summary>
public static class UserFileFormats
{
    /// <summary>The format a file's extension says: <c>.csv</c>; <c>.ndjson</c>, <c>.jsonl</c> or <c>.json</c>.</summary>
    public static UserFileFormat? FromExtension(string path) => Path.GetExtension(path).ToUpperInvariant() switch
    {
        ".CSV" => UserFileFormat.Csv,
        ".NDJSON" or ".JSONL" or ".JSON" => UserFileFormat.Ndjson,
        _ => null,
    };

    public static string Name(this UserFileFormat format) => format == UserFileFormat.Csv ? "csv" : "ndjson";
}
