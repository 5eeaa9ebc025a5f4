using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CohortFunctions.App.Http;

/// <summary>The JSON conventions of every API of the app: snake_case names, nulls written, strict parsing limits.</summary>
internal static class ApiJson
{
    /// <summary>Requests nested deeper than this are rejected before any handler sees them.</summary>
    public const int MaxDepth = 32;

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        MaxDepth = MaxDepth,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,

        // Braze's messages contain backticks; senders and people read them as written. Responses are never HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonDocumentOptions DocumentOptions { get; } = new()
    {
        MaxDepth = MaxDepth,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };
}
