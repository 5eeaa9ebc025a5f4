using System.Text.Json;
using CohortFunctions.Identifiers;
using CohortFunctions.Requests;

namespace CohortFunctions.Postbacks;

internal static class PostbackFields
{
    /// <summary>A cohort id is a non-empty string that could also be an identifier (no control characters, ≤ 1,024).</summary>
    public static string? CohortId(JsonElement body) =>
        JsonText.Property(body, "cohort_id") is { } id && IdentifierRules.IsValid(id) ? id : null;
}
