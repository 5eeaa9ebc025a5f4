using CohortFunctions.App.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CohortFunctions.App.Middleware;

/// <summary>
/// Bounds each HTTP invocation by the request deadline and answers what a function did not expect the app's way
/// (see <see cref="UnhandledErrors"/>).
/// </summary>
internal sealed class UnhandledErrorMiddleware(IOptions<ApiOptions> api, ILogger<UnhandledErrorMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        using var deadline = context.GetHttpContext() is { } http ? RequestDeadline.Apply(http, TimeSpan.FromSeconds(api.Value.RequestTimeoutSeconds)) : null;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (context.GetHttpContext() is not null)
        {
            await UnhandledErrors.WriteAsync(context.GetHttpContext()!, ex, logger).ConfigureAwait(false);
        }
    }
}
