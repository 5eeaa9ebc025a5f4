using System.Text.Json.Nodes;

namespace CohortFunctions.InfraTests.Bicep;

/// <summary>The output of <c>bicep snapshot</c>: the resources a deployment would create, and its outputs.</summary>
public sealed class ArmSnapshot
{
    public const string FunctionAppType = "Microsoft.Web/sites";

    public ArmSnapshot(string json)
    {
        Json = json;
        var root = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidOperationException("The snapshot is not a JSON object.");
        Resources = [.. root["predictedResources"]!.AsArray().Select(r => r!.AsObject())];
        Outputs = root["outputs"]!.AsObject().ToDictionary(o => o.Key, o => o.Value!.GetValue<string>(), StringComparer.Ordinal);
        Diagnostics = [.. root["diagnostics"]!.AsArray().Select(d => d!.ToJsonString())];
    }

    /// <summary>The snapshot as the CLI wrote it.</summary>
    public string Json { get; }

    public IReadOnlyList<JsonObject> Resources { get; }

    /// <summary>Output name to value (an ARM expression when it is known only after deployment).</summary>
    public IReadOnlyDictionary<string, string> Outputs { get; }

    public IReadOnlyList<string> Diagnostics { get; }

    /// <summary>The function app's application settings as the template sets them (values may be ARM expressions).</summary>
    public IReadOnlyDictionary<string, string> AppSettings =>
        Resource("Microsoft.Web/sites/config", r => Name(r).EndsWith("/appsettings", StringComparison.Ordinal))["properties"]!.AsObject()
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);

    public IEnumerable<JsonObject> OfType(string type) =>
        Resources.Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    public JsonObject Resource(string type, Func<JsonObject, bool>? predicate = null)
    {
        var matches = OfType(type).Where(predicate ?? (_ => true)).ToList();
        return matches.Count == 1
            ? matches[0]
            : throw new InvalidOperationException($"Expected one {type} in the snapshot, found {matches.Count}.");
    }

    public static string Name(JsonObject resource) => (string)resource["name"]!;

    public static string Id(JsonObject resource) => (string)resource["id"]!;
}
