using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace CohortFunctions.Requests;

/// <summary>
/// Reads strings out of request JSON without throwing. An escaped unpaired surrogate (<c>"\ud800"</c>) is valid JSON
/// that .NET refuses to decode; every reader of request strings goes through here so such input is an invalid value
/// (a 400 or 401 with the usual message), never an exception.
/// </summary>
internal static class JsonText
{
    /// <summary>The string value of <paramref name="element"/>; false when it is not a string or cannot be decoded.</summary>
    public static bool TryGetString(JsonElement element, [NotNullWhen(true)] out string? value)
    {
        value = null;
        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        try
        {
            value = element.GetString();
            return value is not null;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The string property <paramref name="name"/> of an object; null when absent, not a string or undecodable.</summary>
    public static string? Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && TryGetString(value, out var text) ? text : null;
}
