using Microsoft.AspNetCore.Http;

namespace CohortFunctions.App.Http;

/// <summary>How the app presents itself to callers (section <c>Api</c>).</summary>
internal sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>
    /// The app's public base URL, e.g. <c>https://cohorts.example.com</c>: the "REST endpoint" an operator pastes into
    /// Amplitude. When empty, the scheme and host of the request are used.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>How long a request may work before it is cut short and answered 503 with <c>Retry-After</c>.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 600)]
    public int RequestTimeoutSeconds { get; set; } = 30;

    /// <summary>The REST endpoint to give a partner: the public base URL without a trailing slash.</summary>
    public string RestEndpoint(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var baseUrl = PublicBaseUrl is { IsAbsoluteUri: true } configured
            ? configured.GetLeftPart(UriPartial.Path)
            : $"{request.Scheme}://{request.Host.Value}{request.PathBase.Value}";
        return baseUrl.TrimEnd('/');
    }
}
