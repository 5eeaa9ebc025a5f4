using System.Security.Cryptography;
using System.Text;
using CohortFunctions.App.Hosting;
using CohortFunctions.App.Http;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;

namespace CohortFunctions.LocalHost;

/// <summary>Maps every HTTP function of the catalog at the route, methods and auth level its attributes declare.</summary>
internal static class HttpFunctionEndpoints
{
    public const string FunctionKeyHeader = "x-functions-key";

    public static IEndpointRouteBuilder MapFunctions(this IEndpointRouteBuilder endpoints, FunctionCatalog catalog)
    {
        foreach (var function in catalog.Http)
        {
            var pattern = RoutePatternFactory.Parse(function.Route);
            FunctionInvoker.EnsureSupported(function.Method, [.. pattern.Parameters.Select(p => p.Name)]);
            endpoints.MapMethods(function.Route, function.Methods, context => HandleAsync(context, function))
                .WithName(function.Name)
                .WithDisplayName($"Function {function.Name}");
        }

        return endpoints;
    }

    private static async Task HandleAsync(HttpContext context, HttpFunction function)
    {
        if (function.RequiresKey && !HasValidKey(context))
        {
            await ApiResponses.Error(StatusCodes.Status401Unauthorized, "A valid function key is required (x-functions-key header or code query parameter).")
                .WriteAsync(context.Response, context.RequestAborted).ConfigureAwait(false);
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
