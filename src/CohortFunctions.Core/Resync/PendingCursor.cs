namespace CohortFunctions.Resync;

/// <summary>
/// Where a walk over a cohort's pending identifiers stands: the bucket and the last row read. Stored between runs
/// so a large backlog is worked off across runs without re-reading finished buckets.
/// </summary>
internal readonly record struct PendingCursor(int Bucket, string? After)
{
    public const int Buckets = 16;

    public static PendingCursor Start => new(0, null);

    public bool IsComplete => Bucket >= Buckets;

    public string Encode() => $"{Bucket}|{After}";

    public static PendingCursor Decode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Start;
        }

        var separator = text.IndexOf('|', StringComparison.Ordinal);
        return separator > 0 && int.TryParse(text.AsSpan(0, separator), System.Globalization.CultureInfo.InvariantCulture, out var bucket)
            ? new PendingCursor(bucket, separator + 1 < text.Length ? text[(separator + 1)..] : null)
            : Start;
    }
}
