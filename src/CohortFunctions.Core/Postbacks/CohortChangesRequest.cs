using System.Text.Json;
using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Requests;
using CohortFunctions.Results;

namespace CohortFunctions.Postbacks;

/// <summary>The body of <c>POST /partners/{partner}/cohorts/users</c>, validated in Braze's order.</summary>
internal sealed record CohortChangesRequest(string CohortId, IReadOnlyList<CohortChange> Changes)
{
    public int IdCount => Changes.Sum(c => c.IdCount);

    /// <summary>Every identifier of the request with its change's intent, in request order (the last intent wins).</summary>
    public IReadOnlyList<IdentifierIntent> Intents() => [.. Changes.SelectMany(c => c.Intents())];

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
    private static List<string>? StringArray(JsonElement element) =>
        ArrayOf(element, item => JsonText.TryGetString(item, out var value) && value.Length is > 0 and <= IdentifierRules.MaxLength ? value : null);

    /// <summary>An array of <c>{"alias_name", "alias_label"}</c> objects with strings as <see cref="StringArray"/> takes.</summary>
    private static List<UserAlias>? AliasArray(JsonElement element) =>
        ArrayOf(element, item =>
            item.ValueKind == JsonValueKind.Object
            && JsonText.Property(item, "alias_name") is { Length: > 0 and <= IdentifierRules.MaxLength } name
            && JsonText.Property(item, "alias_label") is { Length: > 0 and <= IdentifierRules.MaxLength } label
                ? new UserAlias(name, label)
                : null);

    /// <summary>The items of an array, each read by <paramref name="read"/>; null when one is malformed. <c>null</c> is an empty array.</summary>
    private static List<T>? ArrayOf<T>(JsonElement element, Func<JsonElement, T?> read)
        where T : class
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var items = new List<T>(element.GetArrayLength());
        foreach (var item in element.EnumerateArray())
        {
            if (read(item) is not { } value)
            {
                return null;
            }

            items.Add(value);
        }

        return items;
    }
}
