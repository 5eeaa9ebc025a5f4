using CohortFunctions.App.Hosting;
using CohortFunctions.App.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.App.Functions;

/// <summary>
/// Answers what no other function matches: 405 with <c>Allow</c> when the path is a known route called with the
/// wrong method, 404 otherwise, both as JSON. Route precedence puts this catch-all after every other route.
/// </summary>
internal sealed class FallbackFunction
{
    private static readonly IReadOnlyList<(TemplateMatcher Matcher, IReadOnlyList<string> Methods)> Known =
        [.. FunctionCatalog.App.Http
            .Where(f => f.Route != Routes.Fallback)
            .Select(f => (new TemplateMatcher(TemplateParser.Parse(f.Route), new RouteValueDictionary()), f.Methods))];

    [Function(nameof(Fallback))]
    public IActionResult Fallback(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "delete", "patch", "head", "options", Route = Routes.Fallback)] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var allowed = Known
            .Where(k => k.Matcher.TryMatch(request.Path, new RouteValueDictionary()))
            .SelectMany(k => k.Methods)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        return allowed.Count == 0
            ? ApiResponses.Error(StatusCodes.Status404NotFound, "Not found.")
            : ApiResponses.Error(
                StatusCodes.Status405MethodNotAllowed,
                $"Method {request.Method} is not allowed here.",
                new Dictionary<string, string> { ["Allow"] = string.Join(", ", allowed) });
    }
}
