using System.Text.Json;
using CohortFunctions.Requests;

namespace CohortFunctions.Postbacks;

/// <summary>The credentials every partner request carries in its body.</summary>
internal sealed record PartnerCredentials(string? PartnerApiKey, string? ClientSecret)
{
    public static PartnerCredentials From(JsonElement body) =>
        new(StringOrNull(body, "partner_api_key"), StringOrNull(body, "client_secret"));

    internal static string? StringOrNull(JsonElement body, string name) => JsonText.Property(body, name);
}
