using System.Text.Json;
using CohortFunctions.Identifiers;

namespace CohortFunctions.Storage;

/// <summary>Column names and encodings of the user profile row that more than one reader relies on.</summary>
internal static class UserColumns
{
    public const string ExternalId = "ExternalId";

    public const string Aliases = "Aliases";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IReadOnlyList<UserAlias> ReadAliases(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<UserAlias>>(json, Json) ?? [];

    public static string WriteAliases(IReadOnlyList<UserAlias> aliases) => JsonSerializer.Serialize(aliases, Json);
}
