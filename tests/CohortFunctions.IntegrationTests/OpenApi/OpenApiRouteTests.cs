using System.Text.RegularExpressions;
using CohortFunctions.IntegrationTests.Hosting;
using Microsoft.OpenApi.Reader;

namespace CohortFunctions.IntegrationTests.OpenApi;

/// <summary>
/// The OpenAPI document and the functions agree both ways: every HTTP route and method in the build's
/// <c>functions.metadata</c> (what the Functions host serves) is an operation of the document, named after its
/// function, and the document has no other operation. Catch-all routes (<c>{*path}</c>) are left out: they only answer
/// 404 and 405 for what no endpoint matches.
/// </summary>
public sealed partial class OpenApiRouteTests
{
    [Fact]
    public void Document_EveryHttpFunctionInMetadata_IsAnOperationNamedAfterIt()
    {
        // Arrange
        var operations = OpenApiSpec.Committed.Operations.Select(o => (o.OperationId, o.Route, o.Method)).ToHashSet();

        // Act
        var missing = Endpoints().Where(e => !operations.Contains(e)).ToList();

        // Assert
        Assert.True(missing.Count == 0, "Functions without an operation in the OpenAPI document (add them to " + OpenApiSpec.RelativePath + "): " + string.Join(", ", missing));
    }

    [Fact]
    public void Document_EveryOperation_IsAnHttpFunctionInMetadata()
    {
        // Arrange
        var endpoints = Endpoints().ToHashSet();

        // Act
        var extra = OpenApiSpec.Committed.Operations.Select(o => (o.OperationId, o.Route, o.Method)).Where(o => !endpoints.Contains(o)).ToList();

        // Assert
        Assert.True(extra.Count == 0, "Operations in the OpenAPI document that no function serves: " + string.Join(", ", extra));
        Assert.NotEmpty(endpoints);
    }

    [Fact]
    public void Document_Committed_IsValidOpenApi31WithoutErrors()
    {
        // Arrange
        var settings = new OpenApiReaderSettings();

        // Act
        var read = Microsoft.OpenApi.OpenApiDocument.Parse(OpenApiSpec.Committed.Text, "json", settings);

        // Assert
        Assert.Equal("3.1.0", (string?)OpenApiSpec.Committed.Document["openapi"]);
        Assert.True(read.Diagnostic is { Errors.Count: 0 }, string.Join("\n", read.Diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? []));
        Assert.NotNull(read.Document);
    }

    [Fact]
    public void Document_ManagementOperations_NeedAFunctionKeyAndTheOthersDoNot()
    {
        foreach (var operation in OpenApiSpec.Committed.Operations)
        {
            // Act
            var schemes = operation.Definition["security"]!.AsArray().SelectMany(r => r!.AsObject().Select(s => s.Key)).Order(StringComparer.Ordinal).ToList();
            var declared = Hosting().Single(f => f.Name == operation.OperationId);

            // Assert: the document says what the host enforces.
            Assert.Equal(
                declared.AuthLevel == "anonymous" ? [] : ["functionKeyHeader", "functionKeyQuery"],
                schemes);
        }
    }

    /// <summary>(function name, route, method) of every HTTP function of the build but the catch-alls.</summary>
    private static IEnumerable<(string Name, string Route, string Method)> Endpoints() =>
        Hosting()
            .Where(f => !CatchAll().IsMatch(f.Route))
            .SelectMany(f => f.Methods.Select(m => (f.Name, RouteTemplate(f.Route), m.ToUpperInvariant())));

    private static IEnumerable<(string Name, string Route, IReadOnlyList<string> Methods, string AuthLevel)> Hosting() =>
        FunctionsMetadataTests.Declared
            .SelectMany(f => f.Bindings.Where(b => b.Type == "httpTrigger").Select(b => (f.Name, b.Route!, b.Methods, b.AuthLevel!.ToLowerInvariant())));

    /// <summary>A route as OpenAPI writes its path: parameters without constraints or defaults (<c>{id:int}</c> is <c>{id}</c>).</summary>
    private static string RouteTemplate(string route) => Constraint().Replace(route, m => "{" + m.Groups["name"].Value + "}");

    [GeneratedRegex(@"\{\*[^}]+\}", RegexOptions.CultureInvariant)]
    private static partial Regex CatchAll();

    [GeneratedRegex(@"\{(?<name>[A-Za-z0-9_]+)[^}]*\}", RegexOptions.CultureInvariant)]
    private static partial Regex Constraint();
}
