using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CohortFunctions.App.Http;

/// <summary>
/// Reads URL-encoded ids (cohort ids come from partners: any text) from the request path. Servers decode route values
/// except <c>%2F</c>, so an id holding <c>/</c> arrives as <c>a%2Fb</c>, and one holding the text <c>%2F</c> would
/// arrive the same way; the raw request target tells them apart, where there is one.
/// </summary>
/// <remarks>
/// Under the Functions host there is not: the host decodes the path, then forwards the request to the worker with a
/// target it encoded again, so the worker sees <c>a%252Fb</c> for both ids. There, <c>%2F</c> in a decoded value is
/// read as <c>/</c>: ids with a slash work on every host, and the text <c>%2F</c> inside an id cannot be addressed in a
/// path under the Functions host (docs/decisions.md).
/// </remarks>
internal static class RawPath
{
    private static readonly object ForwardedKey = new();

    /// <summary>Marks a request the Functions host forwarded to the worker: its raw target is the host's, not the client's.</summary>
    public static void MarkForwardedByHost(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[ForwardedKey] = true;
    }

    /// <summary>The decoded path segment at <paramref name="index"/> (0-based) whose route value is <paramref name="routeValue"/>.</summary>
    public static string? Segment(HttpRequest request, int index, string? routeValue)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.HttpContext.Items.ContainsKey(ForwardedKey))
        {
            return routeValue?.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        }

        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || !raw.StartsWith('/'))
        {
            return routeValue;
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? raw : raw[..query];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (index >= segments.Length)
        {
            return routeValue;
        }

        try
        {
            return Uri.UnescapeDataString(segments[index]);
        }
        catch (UriFormatException)
        {
            return routeValue;
        }
    }
}
