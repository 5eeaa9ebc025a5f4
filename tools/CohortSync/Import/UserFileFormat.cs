namespace CohortFunctions.CohortSync.Import;

/// <summary>The formats of a user file.</summary>
public enum UserFileFormat
{
    /// <summary>CSV (RFC 4180) with a header row naming the columns; one user per line.</summary>
    Csv,

    /// <summary>Newline-delimited JSON: one JSON object per line.</summary>
    Ndjson,
}
