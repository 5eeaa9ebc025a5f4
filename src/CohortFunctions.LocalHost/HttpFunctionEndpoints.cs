using System.Security.Cryptography;
using System.Text;
using CohortFunctions.App.Hosting;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;

namespace CohortFunctions.LocalHost;

/// <summary>
/// Maps every HTTP function of the catalog at the route, methods and auth level its attributes declare, and answers
/// what the Functions host answers itself: 401 without a body for a missing or wrong function key, and 204 at the
/// root (the host's home page, which the app turns off with <c>AzureWebJobsDisableHomepage</c>).
/// </summary>
internal static class HttpFunctionEndpoints
{
    public const string FunctionKeyHeader = "x-functions-key";

    public static IEndpointRouteBuilder MapFunctions(this IEndpointRouteBuilder endpoints, FunctionCatalog catalog)
    {
        foreach (var function in catalog.Http)
        {
            var pattern = RoutePatternFactory.Parse(function.Route);
            FunctionInvoker.EnsureSupportedHttp(function.Method, [.. pattern.Parameters.Select(p => p.Name)]);
            endpoints.MapMethods(function.Route, function.Methods, context => HandleAsync(context, function))
                .WithName(function.Name)
                .WithDisplayName($"Function {function.Name}");
        }

        endpoints.Map("/", context =>
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });
        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context, HttpFunction function)
    {
        if (function.RequiresKey && !HasValidKey(context))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.ContentLength = 0;
            return;
        }

        await FunctionInvoker.InvokeHttpAsync(context, function.Type, function.Method).ConfigureAwait(false);
    }

    private static bool HasValidKey(HttpContext context)
    {
        var expected = context.RequestServices.GetRequiredService<IOptions<LocalHostOptions>>().Value.FunctionKey;
        if (string.IsNullOrEmpty(expected))
        {
            return true;
        }

        string? presented = context.Request.Headers[FunctionKeyHeader];
        if (string.IsNullOrEmpty(presented))
        {
            presented = context.Request.Query["code"];
        }

        return presented is not null && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }
}
