using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace CohortFunctions.App.Http;

/// <summary>
/// Reads and drops what is left of a request body, so that a sender still writing it gets the answer: a host that
/// stops reading closes the connection under the sender (the Functions host answers 500, Kestrel resets after 5 s).
/// The server's own limit (<see cref="HttpLimits.MaxRequestBodyBytes"/>) and the caller's cancellation token
/// bound what is read.
/// </summary>
internal static class UnreadBody
{
    public static async Task DropAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var discard = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await request.Body.ReadAsync(discard, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (BadHttpRequestException)
        {
            // Past the server's own limit: the server closes the connection after the answer.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(discard);
        }
    }
}
