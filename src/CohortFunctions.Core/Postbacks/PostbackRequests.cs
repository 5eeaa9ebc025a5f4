using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CohortFunctions.Identifiers;
using CohortFunctions.Requests;
using CohortFunctions.Results;

namespace CohortFunctions.Postbacks;

/// <summary>The credentials every partner request carries in its body.</summary>
internal sealed record PartnerCredentials(string? PartnerApiKey, string? ClientSecret)
{
    public static PartnerCredentials From(JsonElement body) =>
        new(StringOrNull(body, "partner_api_key"), StringOrNull(body, "client_secret"));

    internal static string? StringOrNull(JsonElement body, string name) => JsonText.Property(body, name);
}

/// <summary>One element of <c>cohort_changes</c>: identifiers to add, or to remove when <see cref="ShouldRemove"/>.</summary>
internal sealed record CohortChange(IReadOnlyList<string> UserIds, IReadOnlyList<string> DeviceIds, IReadOnlyList<UserAlias> Aliases, bool ShouldRemove)
{
    public int IdCount => UserIds.Count + DeviceIds.Count + Aliases.Count;

    /// <summary>The identifiers of this change in a stable order: external ids, device ids, aliases.</summary>
    public IEnumerable<Identifier> Identifiers() =>
        UserIds.Select(Identifier.External)
            .Concat(DeviceIds.Select(Identifier.Device))
            .Concat(Aliases.Select(Identifier.Alias));
}

/// <summary>The body of <c>POST /partners/{partner}/cohorts/users</c>, validated in Braze's order.</summary>
internal sealed record CohortChangesRequest(string CohortId, IReadOnlyList<CohortChange> Changes)
{
    public int IdCount => Changes.Sum(c => c.IdCount);

    public static Result<CohortChangesRequest> Parse(JsonElement body)
    {
        if (PostbackFields.CohortId(body) is not { } cohortId)
        {
            return Failure.Invalid(PartnerMessages.InvalidCohortId);
        }

        if (!body.TryGetProperty("cohort_changes", out var changesElement) || changesElement.ValueKind != JsonValueKind.Array)
        {
            return Failure.Invalid(PartnerMessages.InvalidCohortChanges);
        }

        var changes = new List<CohortChange>(changesElement.GetArrayLength());
        var ids = 0;
        foreach (var element in changesElement.EnumerateArray())
        {
            if (ParseChange(element) is not { } change)
            {
                return Failure.Invalid(PartnerMessages.InvalidCohortChanges);
            }

            ids += change.IdCount;
            changes.Add(change);
        }

        return ids > PartnerMessages.MaxIdsPerRequest
            ? Failure.Invalid(PartnerMessages.TooManyIds)
            : new CohortChangesRequest(cohortId, changes);
    }

    private static CohortChange? ParseChange(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var hasUserIds = element.TryGetProperty("user_ids", out var userIdsElement);
        var hasDeviceIds = element.TryGetProperty("device_ids", out var deviceIdsElement);
        var hasAliases = element.TryGetProperty("aliases", out var aliasesElement);
        if (!hasUserIds && !hasDeviceIds && !hasAliases)
        {
            return null;
        }

        var shouldRemove = false;
        if (element.TryGetProperty("should_remove", out var removeElement))
        {
            switch (removeElement.ValueKind)
            {
                case JsonValueKind.True:
                    shouldRemove = true;
                    break;
                case JsonValueKind.False or JsonValueKind.Null:
                    break;
                default:
                    return null;
            }
        }

        var userIds = hasUserIds ? StringArray(userIdsElement) : [];
        var deviceIds = hasDeviceIds ? StringArray(deviceIdsElement) : [];
        var aliases = hasAliases ? AliasArray(aliasesElement) : [];
        return userIds is null || deviceIds is null || aliases is null
            ? null
            : new CohortChange(userIds, deviceIds, aliases, shouldRemove);
    }

    /// <summary>An array of strings of 1-1,024 characters; <c>null</c> counts as absent. Anything else is malformed.</summary>
    private static List<string>? StringArray(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var values = new List<string>(element.GetArrayLength());
        foreach (var item in element.EnumerateArray())
        {
            if (!JsonText.TryGetString(item, out var value) || value.Length is 0 or > IdentifierRules.MaxLength)
            {
                return null;
            }

            values.Add(value);
        }

        return values;
    }

    private static List<UserAlias>? AliasArray(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var aliases = new List<UserAlias>(element.GetArrayLength());
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || PartnerCredentials.StringOrNull(item, "alias_name") is not { Length: > 0 and <= IdentifierRules.MaxLength } name
                || PartnerCredentials.StringOrNull(item, "alias_label") is not { Length: > 0 and <= IdentifierRules.MaxLength } label)
            {
                return null;
            }

            aliases.Add(new UserAlias(name, label));
        }

        return aliases;
    }
}

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

        if (PartnerCredentials.StringOrNull(body, "name") is not { } name || string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
        {
            return Failure.Invalid(PartnerMessages.InvalidName);
        }

        if (PartnerCredentials.StringOrNull(body, "created_at") is not { } createdAtText || ParseIso8601(createdAtText) is not { } createdAt)
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

internal static class PostbackFields
{
    /// <summary>A cohort id is a non-empty string that could also be an identifier (no control characters, ≤ 1,024).</summary>
    public static string? CohortId(JsonElement body) =>
        PartnerCredentials.StringOrNull(body, "cohort_id") is { } id && IdentifierRules.IsValid(id) ? id : null;
}
