using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CohortFunctions.IntegrationTests.OpenApi;

/// <summary>One operation of the OpenAPI document: a path template, a method and what the document says about it.</summary>
public sealed partial record OpenApiOperation(string Path, string Method, string OperationId, JsonObject Definition)
{
    /// <summary>Whether a concrete request path (e.g. <c>/manage/workspaces/acme/cohorts</c>) matches this path template.</summary>
    public bool Matches(string requestPath)
    {
        ArgumentNullException.ThrowIfNull(requestPath);
        var pattern = "^" + Parameter().Replace(Regex.Escape(Path), "[^/]+") + "$";
        return Regex.IsMatch(requestPath, pattern, RegexOptions.CultureInvariant);
    }

    /// <summary>The function route the path template stands for: without the leading slash, as in <c>[HttpTrigger(Route = ...)]</c>.</summary>
    public string Route => Path.TrimStart('/');

    [GeneratedRegex(@"\\\{[^}]+}", RegexOptions.CultureInvariant)]
    private static partial Regex Parameter();
}
