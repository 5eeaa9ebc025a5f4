using System.Text.RegularExpressions;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.OpenApi;

/// <summary>samples/cohortfunctions.http (REST Client, Visual Studio): every request is an operation of the OpenAPI
/// document, and every variable it uses is defined in the file.</summary>
public sealed partial class HttpFileTests
{
    private static readonly Lazy<string> Text = new(() => File.ReadAllText(Path.Combine(RepositoryRoot.Path, "samples", "cohortfunctions.http")));

    [Fact]
    public void Requests_EveryOne_IsADocumentedOperation()
    {
        // Arrange
        var requests = Request().Matches(Text.Value).Select(m => (Method: m.Groups["method"].Value, Path: m.Groups["path"].Value.Split('?')[0])).ToList();

        // Act: a variable stands for one path segment.
        var undocumented = requests
            .Where(r => !OpenApiSpec.Committed.Operations.Any(o => o.Method == r.Method && o.Matches(Variable().Replace(r.Path, "x"))))
            .ToList();

        // Assert
        Assert.True(requests.Count >= 10, $"Only {requests.Count} requests were found.");
        Assert.True(undocumented.Count == 0, "Requests that are no operation of the OpenAPI document: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void Variables_EveryOneUsed_IsDefinedOrANamedRequest()
    {
        // Arrange
        var defined = Definition().Matches(Text.Value).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        var named = NamedRequest().Matches(Text.Value).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

        // Act
        var unknown = Variable().Matches(Text.Value)
            .Select(m => m.Groups["name"].Value)
            .Where(v => v.Contains('.', StringComparison.Ordinal) ? !named.Contains(v.Split('.')[0]) : !defined.Contains(v))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        // Assert
        Assert.Empty(unknown);
        Assert.Contains("createKey", named);
    }

    [GeneratedRegex(@"^(?<method>GET|POST|PUT|DELETE|PATCH) \{\{base\}\}(?<path>\S+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Request();

    [GeneratedRegex(@"\{\{(?<name>[^}]+)\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Variable();

    [GeneratedRegex(@"^@(?<name>[A-Za-z0-9_]+) =", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Definition();

    [GeneratedRegex(@"^# @name (?<name>[A-Za-z0-9_]+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex NamedRequest();
}
