using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace CohortFunctions.LocalHost;

/// <summary>
/// Reads and drops what is left of a request body once the function has answered without reading it (a 401 for a
/// missing key, a 404, a 400 found before the body). Kestrel would otherwise drain it itself for at most 5 seconds and
/// then reset the connection, and a sender still writing a slow body would get a broken pipe instead of the answer.
/// The server's body limit and the request's deadline bound what is read.
/// </summary>
internal static class UnreadRequestBody
{
    public static async Task DrainAfterAsync(HttpContext context, RequestDelegate next)
    {
        await next(context).ConfigureAwait(false);
        var body = context.Features.Get<IHttpRequestBodyDetectionFeature>();
        if (body is { CanHaveBody: false })
        {
            return;
        }

        var discard = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await context.Request.Body.ReadAsync(discard, context.RequestAborted).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is BadHttpRequestException or IOException or OperationCanceledException or InvalidOperationException)
        {
            // Past the server's limit, the sender gone, or the body already consumed another way: nothing left to drain.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(discard);
        }
    }
}
