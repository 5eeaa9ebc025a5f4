using System.Text.Json;
using CohortFunctions.Requests;

namespace CohortFunctions.Postbacks;

/// <summary>The credentials every partner request carries in its body.</summary>
internal sealed record PartnerCredentials(string? PartnerApiKey, string? ClientSecret)
{
    public static PartnerCredentials From(JsonElement body) =>
        new(JsonText.Property(body, "partner_api_key"), JsonText.Property(body, "client_secret"));
}
