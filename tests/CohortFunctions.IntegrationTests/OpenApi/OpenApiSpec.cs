using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using CohortFunctions.IntegrationTests.Infrastructure;
using Json.Schema;

namespace CohortFunctions.IntegrationTests.OpenApi;

/// <summary>
/// The committed OpenAPI document (<c>src/CohortFunctions.Functions/OpenApi/openapi.json</c>) as tests read it: its
/// operations, the response it documents for a status, and its schemas as JSON Schema 2020-12 validators.
/// </summary>
public sealed class OpenApiSpec
{
    public const string RelativePath = "src/CohortFunctions.Functions/OpenApi/openapi.json";

    private static readonly string[] HttpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    private static readonly Lazy<OpenApiSpec> Instance = new(() => new OpenApiSpec(File.ReadAllText(Path.Combine(RepositoryRoot.Path, RelativePath))));

    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);
    private readonly JsonObject _definitions;

    private OpenApiSpec(string text)
    {
        Text = text;
        Document = JsonNode.Parse(text)!.AsObject();

        // Components become the $defs of every schema built from the document, so its $refs resolve as JSON Schema.
        var rewritten = JsonNode.Parse(text.Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal))!;
        _definitions = rewritten["components"]!["schemas"]!.AsObject();
        Operations = [.. Document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(item => HttpMethods.Contains(item.Key))
            .Select(item => new OpenApiOperation(path.Key, item.Key.ToUpperInvariant(), (string)item.Value!["operationId"]!, item.Value!.AsObject())))];
    }

    /// <summary>The document as committed.</summary>
    public static OpenApiSpec Committed => Instance.Value;

    public string Text { get; }

    public JsonObject Document { get; }

    public IReadOnlyList<OpenApiOperation> Operations { get; }

    public OpenApiOperation Operation(string operationId) =>
        Operations.SingleOrDefault(o => o.OperationId == operationId) ?? throw new KeyNotFoundException($"The OpenAPI document has no operation '{operationId}'.");

    /// <summary>The response the operation documents for a status (following a $ref to components), or null.</summary>
    public JsonObject? Response(OpenApiOperation operation, int status)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var responses = operation.Definition["responses"]!.AsObject();
        var response = responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] ?? responses["default"];
        return response is null ? null : Resolve(response).AsObject();
    }

    /// <summary>The schema of the operation's JSON request body, or null when it takes none.</summary>
    public static JsonNode? RequestSchema(OpenApiOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return operation.Definition["requestBody"]?["content"]?["application/json"]?["schema"];
    }

    /// <summary>Validates a JSON value against a schema of the document; the errors, or none.</summary>
    public IReadOnlyList<string> Validate(JsonNode schema, JsonElement instance)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var text = schema.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        var compiled = _schemas.GetOrAdd(text, Build);
        var results = compiled.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return results.IsValid
            ? []
            : [.. (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value} ({d.EvaluationPath})"))];
    }

    private JsonNode Resolve(JsonNode node)
    {
        while (node is JsonObject o && o["$ref"] is { } reference)
        {
            var pointer = ((string)reference!).TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries);
            node = pointer.Aggregate((JsonNode)Document, (current, segment) => current[segment] ?? throw new KeyNotFoundException($"Unresolved $ref {reference}."));
        }

        return node;
    }

    private JsonSchema Build(string schemaText)
    {
        var root = JsonNode.Parse(schemaText)!.AsObject();
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = _definitions.DeepClone();
        var id = new Uri($"https://cohortfunctions.test/openapi/{Guid.NewGuid():N}.json");
        root["$id"] = id.ToString();
        return JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() }, id);
    }
}
