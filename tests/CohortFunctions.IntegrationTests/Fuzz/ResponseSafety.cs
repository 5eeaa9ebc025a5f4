using System.Text.Json;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Fuzz;

/// <summary>
/// What every answer of the app must be, whatever was sent: never a 5xx, never internals (exception names, stack
/// frames, type names, file paths, the storage account), the app's error shape <c>{"message": ...}</c> on every error,
/// and the security headers on every JSON answer. Returns a description of each problem, so a fuzz run can collect
/// them with the case that caused them instead of stopping at the first.
/// </summary>
public static class ResponseSafety
{
    /// <summary>Text that only internals put in a response. A token the request itself carried may be echoed back.</summary>
    public static readonly IReadOnlyList<string> InternalMarkers =
    [
        "Exception", "   at ", "System.", "Microsoft.", "Azure.", "CohortFunctions.", ".cs:line", "StackTrace",
        "devstoreaccount1", "AccountKey", "/root/", "/home/", RepositoryRoot.Path,
    ];

    /// <summary>The problems of <paramref name="response"/> to a request whose path and body read as <paramref name="sent"/>.</summary>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(HttpResponseMessage response, string sent)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(sent);
        var problems = new List<string>();
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        if (status >= 500)
        {
            problems.Add($"status {status}");
        }

        if (IsServerRejection(response) || IsFunctionKeyRefusal(response))
        {
            problems.AddRange(HeaderProblems(response).Where(p => p.StartsWith("header", StringComparison.Ordinal)));
            return problems;
        }

        problems.AddRange(HeaderProblems(response));
        foreach (var marker in InternalMarkers)
        {
            if (text.Contains(marker, StringComparison.OrdinalIgnoreCase) && !sent.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"response reveals '{marker.Trim()}'");
            }
        }

        if (text.Length == 0)
        {
            if (status >= 400)
            {
                problems.Add($"error {status} without a body");
            }

            return problems;
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            problems.Add($"body is '{response.Content.Headers.ContentType}', not JSON");
            return problems;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            if (status >= 400 && ErrorShapeProblem(document.RootElement, status) is { } shape)
            {
                problems.Add(shape);
            }
        }
        catch (JsonException)
        {
            problems.Add("body is not valid JSON");
        }

        return problems;
    }

    /// <summary>
    /// Whether Kestrel itself refused the request before the app saw it (a NUL in the path, a request line or headers
    /// over its limits): a 400, 414 or 431 with no body that closes the connection. The app never closes connections.
    /// </summary>
    public static bool IsServerRejection(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.StatusCode is System.Net.HttpStatusCode.BadRequest or System.Net.HttpStatusCode.RequestUriTooLong or System.Net.HttpStatusCode.RequestHeaderFieldsTooLarge
            && response.Headers.ConnectionClose == true
            && response.Content.Headers.ContentLength is null or 0;
    }

    /// <summary>
    /// Whether the host refused the request for its function key before the app saw it: a 401 without a body, as the
    /// Functions host answers (and the local host the same way). The app's own 401s always say why.
    /// </summary>
    public static bool IsFunctionKeyRefusal(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.StatusCode == System.Net.HttpStatusCode.Unauthorized && response.Content.Headers.ContentLength is 0;
    }

    /// <summary>Headers: no server internals, and the security headers on every answer of the app (204s included).</summary>
    public static IEnumerable<string> HeaderProblems(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        foreach (var header in (string[])["Server", "X-Powered-By", "X-AspNet-Version", "X-AspNetMvc-Version", "X-SourceFiles"])
        {
            if (response.Headers.NonValidated.Contains(header) || response.Content.Headers.NonValidated.Contains(header))
            {
                yield return $"header {header} present";
            }
        }

        if (!response.Headers.TryGetValues("X-Content-Type-Options", out var sniff) || !sniff.SequenceEqual(["nosniff"]))
        {
            yield return "X-Content-Type-Options: nosniff missing";
        }

        if (response.Headers.CacheControl is not { NoStore: true })
        {
            yield return "Cache-Control: no-store missing";
        }
    }

    /// <summary>The app's error body: an object with a non-empty <c>message</c>, <c>errors</c> (strings) at most, and a request id only on a 5xx.</summary>
    public static string? ErrorShapeProblem(JsonElement body, int status)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return $"error body is a {body.ValueKind}, not an object";
        }

        if (!body.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(message.GetString()))
        {
            return "error body has no message";
        }

        foreach (var property in body.EnumerateObject())
        {
            var allowed = property.Name switch
            {
                "message" => true,
                "errors" => property.Value.ValueKind == JsonValueKind.Array && property.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String),
                "request_id" => status >= 500,
                _ => false,
            };
            if (!allowed)
            {
                return $"error body has '{property.Name}'";
            }
        }

        return null;
    }
}
