using CohortFunctions.App.Hosting;
using CohortFunctions.App.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.App.Functions;

/// <summary>
/// Answers, as JSON, what no other function takes: 404 for a path no route matches, 405 with <c>Allow</c> for a
/// known path called with a method none of its functions takes. Each function's route is constrained to exactly those
/// requests (<see cref="Routes.NotFound"/> and the <c>...NotAllowed</c> routes), so no request matches one of these
/// and another function, and the answer does not depend on the order in which a host tries routes.
/// </summary>
internal sealed class UnmatchedRequestFunctions
{
    private static readonly IReadOnlyList<(TemplateMatcher Matcher, IReadOnlyList<string> Methods)> Known =
        [.. FunctionCatalog.App.Http
            .Where(f => f.Type != typeof(UnmatchedRequestFunctions))
            .Select(f => (new TemplateMatcher(TemplateParser.Parse(f.Route), new RouteValueDictionary()), f.Methods))];

    [Function(nameof(NotFound))]
    public IActionResult NotFound(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "delete", "patch", "head", "options", Route = Routes.NotFound)] HttpRequest request) =>
        Answer(request);

    [Function(nameof(GetNotAllowed))]
    public IActionResult GetNotAllowed(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.GetNotAllowed)] HttpRequest request) =>
        Answer(request);

    [Function(nameof(PostNotAllowed))]
    public IActionResult PostNotAllowed(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.PostNotAllowed)] HttpRequest request) =>
        Answer(request);

    [Function(nameof(PutNotAllowed))]
    public IActionResult PutNotAllowed(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Routes.PutNotAllowed)] HttpRequest request) =>
        Answer(request);

    [Function(nameof(DeleteNotAllowed))]
    public IActionResult DeleteNotAllowed(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.DeleteNotAllowed)] HttpRequest request) =>
        Answer(request);

    [Function(nameof(OtherMethodNotAllowed))]
    public IActionResult OtherMethodNotAllowed(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", "head", "options", Route = Routes.OtherMethodNotAllowed)] HttpRequest request) =>
        Answer(request);

    /// <summary>
    /// The answer depends only on the request, not on which of these functions took it: the <c>Allow</c> header lists
    /// the methods of every function whose route matches the path.
    /// </summary>
    internal static ApiResult Answer(HttpRequest request)
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
