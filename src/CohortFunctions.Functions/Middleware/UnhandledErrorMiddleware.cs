using CohortFunctions.App.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace CohortFunctions.App.Middleware;

/// <summary>Catches what a function did not expect and answers it the app's way (see <see cref="UnhandledErrors"/>).</summary>
internal sealed class UnhandledErrorMiddleware(ILogger<UnhandledErrorMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
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
