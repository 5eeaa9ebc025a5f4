using System.Text.Json;

namespace CohortFunctions.App.Http;

/// <summary>
/// The OpenAPI 3.1 description of every endpoint: <c>OpenApi/openapi.json</c>, embedded in the assembly and read once.
/// It is written by hand next to the functions; tests keep the two in step (routes both ways, real answers against
/// its schemas).
/// </summary>
internal static class OpenApiDocument
{
    public const string ResourceName = "CohortFunctions.App.OpenApi.openapi.json";

    private static readonly Lazy<JsonElement> Document = new(Load);

    /// <summary>The document as JSON.</summary>
    public static JsonElement Json => Document.Value;

    private static JsonElement Load()
    {
        using var stream = typeof(OpenApiDocument).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from the build.");
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.Clone();
    }
}
