using CohortFunctions.App.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CohortFunctions.LocalHost;

/// <summary>
/// Drops what is left of a request body once the function has answered without reading it (a 401 for a missing key,
/// a 404, a 400 found before the body). Kestrel would otherwise drain it itself for at most 5 seconds and then reset
/// the connection, and a sender still writing a slow body would get a broken pipe instead of the answer. Runs inside
/// the request deadline, which bounds the wait with the server's body limit; a function that threw is answered by the
/// error handler around it without this.
/// </summary>
internal static class UnreadRequestBody
{
    public static async Task DrainAfterAsync(HttpContext context, RequestDelegate next)
    {
        await next(context).ConfigureAwait(false);
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return;
        }

        try
        {
            await UnreadBody.DropAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The sender gone, the deadline passed, or the body already consumed another way: nothing left to drop.
        }
    }
}
