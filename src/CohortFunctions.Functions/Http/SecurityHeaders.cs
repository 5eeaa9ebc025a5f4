using Microsoft.AspNetCore.Http;

namespace CohortFunctions.App.Http;

/// <summary>Headers every response of the app carries: nothing here is cacheable or meant to be sniffed or framed.</summary>
internal static class SecurityHeaders
{
    public static void Apply(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers["Cache-Control"] = "no-store";
        response.Headers["X-Frame-Options"] = "DENY";
    }
}
