using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;
using CohortFunctions.App.Functions;
using CohortFunctions.App.Hosting;
using CohortFunctions.App.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Constraints;
using Microsoft.AspNetCore.Routing.Template;

namespace CohortFunctions.UnitTests.Hosting;

/// <summary>
/// The route table is unambiguous: every request reaches at most one function, whatever order a host tries routes in
/// (the Functions host: alphabetical by function name, first match; ASP.NET Core: most specific first). The
/// unmatched-request routes are regular expressions written out as constants; these tests derive them from the
/// routes and print what to write when a route is added or changed.
/// </summary>
public sealed class RouteTableTests
{
    private static readonly string[] AllMethods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    private static readonly ConcurrentDictionary<string, CompiledRoute> CompiledRoutes = new(StringComparer.Ordinal);

    private static readonly IReadOnlyList<HttpFunction> AppFunctions =
        [.. FunctionCatalog.App.Http.Where(f => f.Type != typeof(UnmatchedRequestFunctions))];

    private static readonly IReadOnlyList<HttpFunction> UnmatchedFunctions =
        [.. FunctionCatalog.App.Http.Where(f => f.Type == typeof(UnmatchedRequestFunctions))];

    /// <summary>Values a route parameter takes in the sample requests: plain, literal words of other routes, escapes.</summary>
    private static readonly string[] ParameterSamples = ["x1", "lookup", "identify", "users", "keys", "cohorts", "members", "a%2Fb", "%C3%A9"];

    private static readonly string[] OtherPaths =
    [
        "", "/", "nothing", "manage", "manage/workspaces", "manage/workspaces/acme", "manage/workspaces/acme/partners",
        "manage/workspaces/acme/partners/amplitude", "partners", "partners/amplitude", "partners/amplitude/users",
        "manage/workspaces/acme/cohorts/amplitude", "manage/workspaces/acme/cohorts/amplitude/c1",
        "manage/workspaces/acme/segments/s1/users/u1", "manage/workspaces/acme/users/u1/extra", "healthz", "health/x",
        "manage/workspaces//cohorts", "partners//cohorts",
    ];

    [Fact]
    public void Paths_EachRoute_HasItsRegexUnderTheSameName()
    {
        // Arrange
        var paths = PathConstants();

        // Act
        var wrong = AppFunctions
            .Select(f => (Name: RouteConstantName(f.Route), Expected: ToRegex(f.Route)))
            .Distinct()
            .Where(r => !paths.TryGetValue(r.Name, out var written) || written != r.Expected)
            .Select(r => $"public const string {r.Name} = \"{r.Expected}\";")
            .ToList();

        // Assert
        Assert.True(wrong.Count == 0, "Write in Routes.Paths:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void Paths_Unions_ListExactlyTheRoutesOfTheirMethod()
    {
        // Arrange
        var unions = new Dictionary<string, IEnumerable<HttpFunction>>
        {
            [nameof(Routes.Paths.All)] = AppFunctions,
            [nameof(Routes.Paths.Get)] = AppFunctions.Where(f => f.Methods.Contains("GET")),
            [nameof(Routes.Paths.Post)] = AppFunctions.Where(f => f.Methods.Contains("POST")),
            [nameof(Routes.Paths.Put)] = AppFunctions.Where(f => f.Methods.Contains("PUT")),
            [nameof(Routes.Paths.Delete)] = AppFunctions.Where(f => f.Methods.Contains("DELETE")),
        };
        var constants = PathConstants();

        foreach (var (name, functions) in unions)
        {
            // Act
            var expected = functions.Select(f => ToRegex(f.Route)).ToHashSet(StringComparer.Ordinal);
            var written = constants[name].Split('|').ToHashSet(StringComparer.Ordinal);

            // Assert
            Assert.True(
                expected.SetEquals(written),
                $"Routes.Paths.{name} should be the routes {string.Join(" + \"|\" + ", functions.Select(f => RouteConstantName(f.Route)).Distinct())}");
        }
    }

    [Fact]
    public void UnmatchedFunctions_CoverEveryMethod()
    {
        // Arrange: a method some function takes needs its own 405 route (known paths minus that method's paths).
        var used = AppFunctions.SelectMany(f => f.Methods).ToHashSet(StringComparer.Ordinal);

        // Act
        var notFound = Assert.Single(UnmatchedFunctions, f => f.Route == Routes.NotFound);
        var perMethod = UnmatchedFunctions.Where(f => f != notFound).SelectMany(f => f.Methods).ToList();

        // Assert
        Assert.Equal(AllMethods.Order(), notFound.Methods.Order());
        Assert.Equal(AllMethods.Order(), perMethod.Order());
        Assert.Equal(["DELETE", "GET", "POST", "PUT"], used.Order(StringComparer.Ordinal));
    }

    public static TheoryData<string> SampleRequests()
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var function in AppFunctions)
        {
            foreach (var value in ParameterSamples)
            {
                var path = Regex.Replace(function.Route, @"\{\*?[^}]+\}", value);
                paths.Add(path);
                paths.Add(path + "/");
                paths.Add(path.ToUpperInvariant());
                paths.Add(path + "/extra");
                paths.Add(path[..Math.Max(0, path.LastIndexOf('/'))]);
            }
        }

        paths.UnionWith(OtherPaths);
        var data = new TheoryData<string>();
        foreach (var path in paths)
        {
            data.Add(path);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SampleRequests))]
    public void AnyRequest_AtMostOneFunctionMatches_AndUnmatchedOnlyWhenNoAppFunctionDoes(string path)
    {
        foreach (var method in AllMethods)
        {
            // Act
            var app = AppFunctions.Where(f => Matches(f, method, path)).Select(f => f.Name).ToList();
            var unmatched = UnmatchedFunctions.Where(f => Matches(f, method, path)).Select(f => f.Name).ToList();

            // Assert
            Assert.True(app.Count + unmatched.Count <= 1, $"{method} /{path} matches {string.Join(", ", app.Concat(unmatched))}");
            if (path.Length > 0 && !path.StartsWith('/'))
            {
                // The root and paths starting with an empty segment are the host's own: a catch-all parameter
                // cannot match them (both hosts answer 204 at the root and 404 without a body for "//...").
                Assert.True(app.Count + unmatched.Count == 1, $"{method} /{path} matches no function");
            }
        }
    }

    [Theory]
    [InlineData("GET", "health", "Health")]
    [InlineData("DELETE", "health", "DeleteNotAllowed")]
    [InlineData("POST", "partners/amplitude/cohorts", "NameCohort")]
    [InlineData("GET", "partners/amplitude/cohorts", "GetNotAllowed")]
    [InlineData("GET", "manage/workspaces/acme/users/lookup", "LookupUser")]
    [InlineData("DELETE", "manage/workspaces/acme/users/lookup", "DeleteUser")]
    [InlineData("POST", "manage/workspaces/acme/users/lookup", "PostNotAllowed")]
    [InlineData("PATCH", "manage/workspaces/acme/segments/s1", "OtherMethodNotAllowed")]
    [InlineData("GET", "manage/workspaces/acme/cohorts/amplitude/a%2Fb/members", "ListCohortMembers")]
    [InlineData("GET", "manage/workspaces/acme/nothing", "NotFound")]
    [InlineData("GET", "console", "ConsoleFiles")]
    [InlineData("GET", "console/lib/dom.js", "ConsoleFiles")]
    [InlineData("POST", "console", "PostNotAllowed")]
    [InlineData("GET", "manage/workspaces", "ListWorkspaces")]
    [InlineData("POST", "manage/workspaces/acme/segment-size", "PreviewSegmentSize")]
    public void Request_ReachesItsFunction(string method, string path, string expected)
    {
        // Act
        var matched = FunctionCatalog.App.Http.Where(f => Matches(f, method, path)).Select(f => f.Name);

        // Assert
        Assert.Equal([expected], matched);
    }

    /// <summary>A route template as a regular expression over the path, as <see cref="Routes.Paths"/> writes it.</summary>
    /// <remarks>A trailing catch-all matches the bare prefix too (<c>console</c> as well as <c>console/app.js</c>).</remarks>
    private static string ToRegex(string route)
    {
        var segments = route.Split('/');
        var catchAll = segments[^1].StartsWith("{*", StringComparison.Ordinal);
        var fixedPart = string.Join("/", (catchAll ? segments[..^1] : segments).Select(segment => segment switch
        {
            ['{', '*', ..] => throw new NotSupportedException($"A catch-all ({route}) is supported only as the last segment."),
            ['{', ..] => "[^/]+",
            _ => Regex.Escape(segment),
        }));
        return catchAll ? fixedPart + "(?:/.*)?" : fixedPart;
    }

    /// <summary>The name of the <see cref="Routes"/> constant that holds <paramref name="route"/>.</summary>
    private static string RouteConstantName(string route) =>
        typeof(Routes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Single(f => f.IsLiteral && (string?)f.GetRawConstantValue() == route).Name;

    private static Dictionary<string, string> PathConstants() =>
        typeof(Routes.Paths).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!, StringComparer.Ordinal);

    /// <summary>Whether a host would route <paramref name="method"/> <paramref name="path"/> to the function: template, constraints and method.</summary>
    private static bool Matches(HttpFunction function, string method, string path)
    {
        if (!function.Methods.Contains(method, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        var route = CompiledRoutes.GetOrAdd(function.Route, Compile);
        var values = new RouteValueDictionary();
        return route.Matcher.TryMatch("/" + path, values)
            && route.Constraints.All(c => c.Constraint.Match(null, null, c.Parameter, values, RouteDirection.IncomingRequest));
    }

    private static CompiledRoute Compile(string route)
    {
        var template = TemplateParser.Parse(route);
        var constraints = template.Parameters
            .SelectMany(p => p.InlineConstraints.Select(inline => (p.Name!, inline.Constraint.StartsWith("regex(", StringComparison.Ordinal)
                ? new RegexRouteConstraint(inline.Constraint["regex(".Length..^1])
                : throw new NotSupportedException($"Constraint {inline.Constraint} of {route}: add it here."))))
            .ToList();
        return new CompiledRoute(new TemplateMatcher(template, new RouteValueDictionary()), constraints);
    }

    /// <summary>A route as a host matches it: its template, then its parameters' constraints.</summary>
    private sealed record CompiledRoute(TemplateMatcher Matcher, IReadOnlyList<(string Parameter, RegexRouteConstraint Constraint)> Constraints);
}
