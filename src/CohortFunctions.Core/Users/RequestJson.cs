using System.Text.Json;
using CohortFunctions.Identifiers;
using CohortFunctions.Requests;

namespace CohortFunctions.Users;

/// <summary>Reading the optional, nullable members of the users API's JSON.</summary>
internal static class RequestJson
{
    private const string UnpairedSurrogate = "\ud800";

    /// <summary>The member, or null when it is absent or JSON null (both mean "not given").</summary>
    public static JsonElement? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>False when the member is present with a type other than string; null when not given.</summary>
    public static bool TryOptionalString(JsonElement element, string name, out string? value)
    {
        value = null;
        if (Optional(element, name) is not { } member)
        {
            return true;
        }

        if (member.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = Text(member);
        return true;
    }

    /// <summary>
    /// A JSON string's value. An escaped unpaired surrogate (<c>"\ud800"</c>) is valid JSON that .NET refuses to decode;
    /// it comes back as a lone surrogate, which <see cref="IdentifierRules"/> rejects like any other.
    /// </summary>
    public static string Text(JsonElement element) => JsonText.TryGetString(element, out var text) ? text : UnpairedSurrogate;

    /// <summary><c>{"alias_name": "...", "alias_label": "..."}</c>, or null when it is not that shape.</summary>
    public static UserAlias? Alias(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("alias_name", out var name) && name.ValueKind == JsonValueKind.String
        && element.TryGetProperty("alias_label", out var label) && label.ValueKind == JsonValueKind.String
            ? new UserAlias(Text(name), Text(label))
            : null;
}
