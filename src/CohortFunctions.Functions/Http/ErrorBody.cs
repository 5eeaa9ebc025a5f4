using System.Text.Json.Serialization;

namespace CohortFunctions.App.Http;

/// <summary>The error body of every API of the app, Braze's shape: <c>{"message": "..."}</c>.</summary>
internal sealed record ErrorBody(
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Errors = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RequestId = null);
