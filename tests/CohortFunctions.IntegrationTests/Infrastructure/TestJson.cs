using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CohortFunctions.IntegrationTests.Infrastructure;

/// <summary>Reading and writing the app's JSON (snake_case) in tests.</summary>
public static class TestJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>A request body serialized the way the app's callers write it.</summary>
    public static StringContent Body(object value) =>
        new(JsonSerializer.Serialize(value, Options), new MediaTypeHeaderValue("application/json"));

    /// <summary>The response body as JSON; fails the test if the response does not say it is JSON.</summary>
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(
            response.Content.Headers.ContentType?.MediaType == "application/json",
            $"Expected a JSON response, got '{response.Content.Headers.ContentType}' with status {(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The response body as a mutable JSON object.</summary>
    public static async Task<JsonObject> ReadJsonObjectAsync(this HttpResponseMessage response)
    {
        var element = await response.ReadJsonAsync();
        return JsonNode.Parse(element.GetRawText())?.AsObject() ?? throw new InvalidOperationException("The response body is JSON null.");
    }

    /// <summary>The property names of a JSON object, sorted, to compare a response's shape with what the API promises.</summary>
    public static IReadOnlyList<string> PropertyNames(this JsonElement element) =>
        [.. element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    /// <summary>A string property that must be present and not null.</summary>
    public static string GetRequiredString(this JsonElement element, string name) =>
        element.GetProperty(name).GetString() ?? throw new InvalidOperationException($"Property '{name}' is null.");

    /// <summary>Asserts the app's error shape, <c>{"message": "..."}</c> (optionally with <c>request_id</c>), and returns the message.</summary>
    public static async Task<string> ReadErrorMessageAsync(this HttpResponseMessage response)
    {
        var body = await response.ReadJsonAsync();
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        var message = body.GetRequiredString("message");
        Assert.False(string.IsNullOrWhiteSpace(message));
        return message;
    }
}
