using System.Text.Json;
using System.Text.Json.Nodes;
using CohortFunctions.Cohorts;
using CohortFunctions.Requests;
using CohortFunctions.Results;

namespace CohortFunctions.Segments;

/// <summary>
/// Reads and writes the filter language (docs/segments.md):
/// <c>{"includes": {"partner": "amplitude", "cohort_id": "abc123"}}</c>, <c>{"excludes": {...}}</c>,
/// <c>{"and": [f, ...]}</c>, <c>{"or": [f, ...]}</c>. Errors name the place in the tree, e.g. <c>filter.and[1]</c>.
/// </summary>
internal static class SegmentFilterJson
{
    /// <summary>Deepest nesting accepted.</summary>
    public const int MaxDepth = 8;

    /// <summary>Most cohort conditions in one filter.</summary>
    public const int MaxLeaves = 50;

    public static Result<SegmentFilter> Parse(JsonElement element)
    {
        var leaves = 0;
        var parsed = Parse(element, "filter", 1, ref leaves);
        if (parsed.Failure is not null)
        {
            return parsed;
        }

        return leaves > MaxLeaves
            ? Failure.Invalid($"filter has {leaves} cohort conditions; at most {MaxLeaves} are allowed.")
            : parsed;
    }

    public static JsonNode ToJson(SegmentFilter filter) => filter switch
    {
        IncludesFilter i => new JsonObject { ["includes"] = Leaf(i.Cohort) },
        ExcludesFilter e => new JsonObject { ["excludes"] = Leaf(e.Cohort) },
        AndFilter a => new JsonObject { ["and"] = new JsonArray([.. a.Filters.Select(ToJson)]) },
        OrFilter o => new JsonObject { ["or"] = new JsonArray([.. o.Filters.Select(ToJson)]) },
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "Unknown filter."),
    };

    private static Result<SegmentFilter> Parse(JsonElement element, string path, int depth, ref int leaves)
    {
        if (depth > MaxDepth)
        {
            return Failure.Invalid($"{path}: filter is nested deeper than {MaxDepth} levels.");
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return Failure.Invalid($"{path} must be an object with one of \"includes\", \"excludes\", \"and\", \"or\".");
        }

        var properties = element.EnumerateObject().ToList();
        if (properties.Count != 1)
        {
            return Failure.Invalid($"{path} must have exactly one of \"includes\", \"excludes\", \"and\", \"or\".");
        }

        var (name, value) = (properties[0].Name, properties[0].Value);
        switch (name)
        {
            case "includes" or "excludes":
                leaves++;
                if (LeafCohort(value) is not { } cohort)
                {
                    return Failure.Invalid($"{path}.{name} must be an object with string \"partner\" and \"cohort_id\".");
                }

                return name == "includes" ? new IncludesFilter(cohort) : new ExcludesFilter(cohort);
            case "and" or "or":
                if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
                {
                    return Failure.Invalid($"{path}.{name} must be a non-empty array of filters.");
                }

                var children = new List<SegmentFilter>(value.GetArrayLength());
                var index = 0;
                foreach (var child in value.EnumerateArray())
                {
                    var parsed = Parse(child, $"{path}.{name}[{index++}]", depth + 1, ref leaves);
                    if (parsed.Failure is { } failure)
                    {
                        return failure;
                    }

                    children.Add(parsed.Value!);
                }

                return name == "and" ? new AndFilter(children) : new OrFilter(children);
            default:
                return Failure.Invalid($"{path}: unknown operator \"{name}\"; use \"includes\", \"excludes\", \"and\" or \"or\".");
        }
    }

    private static CohortRef? LeafCohort(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object
        && JsonText.Property(value, "partner") is { Length: > 0 } p
        && JsonText.Property(value, "cohort_id") is { Length: > 0 } c
            ? new CohortRef(p, c)
            : null;

    private static JsonObject Leaf(CohortRef cohort) => new() { ["partner"] = cohort.Partner, ["cohort_id"] = cohort.CohortId };
}
