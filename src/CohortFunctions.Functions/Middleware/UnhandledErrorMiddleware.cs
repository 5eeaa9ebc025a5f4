using CohortFunctions.App.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CohortFunctions.App.Middleware;

/// <summary>
/// Wraps each HTTP invocation under the Functions host: bounds it by the request deadline, answers what a function did
/// not expect the app's way (see <see cref="UnhandledErrors"/>), and marks the request as forwarded by the host (see
/// <see cref="RawPath"/>).
/// </summary>
internal sealed class UnhandledErrorMiddleware(IOptions<ApiOptions> api, ILogger<UnhandledErrorMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext();
        if (http is not null)
        {
            RawPath.MarkForwardedByHost(http);
        }

        using var deadline = http is null ? null : RequestDeadline.Apply(http, TimeSpan.FromSeconds(api.Value.RequestTimeoutSeconds), context.CancellationToken);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (http is not null)
        {
            await UnhandledErrors.WriteAsync(http, ex, logger).ConfigureAwait(false);
        }
    }
}
