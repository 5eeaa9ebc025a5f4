using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace CohortFunctions.App.OperatorConsole;

/// <summary>
/// Writes a console file with its media type, ETag (answering a matching <c>If-None-Match</c> with 304) and the
/// console's Content-Security-Policy. Files are revalidated on every load (<c>no-cache</c>), so a deployment takes
/// effect at once while unchanged files cost a 304.
/// </summary>
internal sealed class ConsoleAssetResult(ConsoleAsset asset) : IActionResult
{
    /// <summary>
    /// Only the app's own scripts, styles and API; no inline script or style, no other origin, no framing, and
    /// Trusted Types with no policy, so the page cannot turn a string into markup even by mistake.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; " +
        "require-trusted-types-for 'script'; trusted-types 'none'";

    public ConsoleAsset Asset { get; } = asset;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.HttpContext.Request;
        var response = context.HttpContext.Response;
        response.Headers.ETag = Asset.ETag;
        response.Headers.CacheControl = "no-cache";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
        if (request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == Asset.ETag || t.Trim() == "*")))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = Asset.ContentType;
        response.ContentLength = Asset.Content.Length;
        if (!HttpMethods.IsHead(request.Method))
        {
            await response.Body.WriteAsync(Asset.Content, context.HttpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
