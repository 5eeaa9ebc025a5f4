using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CohortFunctions.App.Http;

/// <summary>
/// Reads URL-encoded ids from the raw request target. ASP.NET Core decodes route values except <c>%2F</c>, so an id
/// containing <c>/</c> or a literal <c>%2F</c> would not round-trip through a route value; the raw path does.
/// </summary>
internal static class RawPath
{
    /// <summary>The decoded path segment at <paramref name="index"/> (0-based), or <paramref name="fallback"/>.</summary>
    public static string? Segment(HttpRequest request, int index, string? fallback)
    {
        ArgumentNullException.ThrowIfNull(request);
        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || !raw.StartsWith('/'))
        {
            return fallback;
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? raw : raw[..query];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (index >= segments.Length)
        {
            return fallback;
        }

        try
        {
            return Uri.UnescapeDataString(segments[index]);
        }
        catch (UriFormatException)
        {
            return fallback;
        }
    }
}
