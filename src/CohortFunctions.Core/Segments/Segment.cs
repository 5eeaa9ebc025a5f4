using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace CohortFunctions.Segments;

/// <summary>A saved segment: a name and a filter over partner cohorts, used to target campaigns.</summary>
internal sealed record Segment(string SegmentId, string Name, SegmentFilter Filter, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Whether <paramref name="value"/> has the shape of a segment id (so it can be used as a key).</summary>
    public static bool IsId([NotNullWhen(true)] string? value) =>
        value is { Length: 16 } && value.All(c => char.IsAsciiDigit(c) || char.IsAsciiHexDigitLower(c));
}
