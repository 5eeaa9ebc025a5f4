using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CohortFunctions.Requests;
using CohortFunctions.Results;

namespace CohortFunctions.Postbacks;

/// <summary>The body of <c>POST /partners/{partner}/cohorts</c>, validated in Braze's order.</summary>
internal sealed partial record CohortNameRequest(string CohortId, string Name, DateTimeOffset CreatedAt)
{
    /// <summary>Longest cohort name kept; longer names are rejected as invalid.</summary>
    public const int MaxNameLength = 1024;

    public static Result<CohortNameRequest> Parse(JsonElement body)
    {
        if (PostbackFields.CohortId(body) is not { } cohortId)
        {
            return Failure.Invalid(PartnerMessages.InvalidCohortId);
        }

        if (JsonText.Property(body, "name") is not { } name || string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
        {
            return Failure.Invalid(PartnerMessages.InvalidName);
        }

        if (JsonText.Property(body, "created_at") is not { } createdAtText || ParseIso8601(createdAtText) is not { } createdAt)
        {
            return Failure.Invalid(PartnerMessages.InvalidCreatedAt);
        }

        return new CohortNameRequest(cohortId, name, createdAt);
    }

    /// <summary>The earliest <c>created_at</c> kept: Azure Table Storage stores times from 1601-01-01 UTC on.</summary>
    internal static readonly DateTimeOffset EarliestCreatedAt = new(1601, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The first <c>created_at</c> refused: a cohort's next resync (a day later at most) must still be a time.</summary>
    internal static readonly DateTimeOffset CreatedAtEnd = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>An ISO-8601 date or date-time from 1601 to 9998 (UTC); a time without offset is taken as UTC.</summary>
    internal static DateTimeOffset? ParseIso8601(string text) =>
        text.Length <= 40 && Iso8601().IsMatch(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
        && parsed >= EarliestCreatedAt && parsed < CreatedAtEnd
            ? parsed
            : null;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})?)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Iso8601();
}
