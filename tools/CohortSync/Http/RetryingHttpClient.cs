using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace CohortFunctions.CohortSync.Http;

/// <summary>
/// Posts JSON with <see cref="RetryPolicy"/>: timeouts, connection failures, 408, 429 and 5xx are retried, other
/// answers are final. Messages are stripped of every <see cref="Secret"/>: Braze echoes the client secret in one of
/// its 401s, and a proxy may echo a header. The cohort sync (<c>PartnerApiClient</c>) and the user import
/// (<c>UsersApiClient</c>) both send through this one class.
/// </summary>
/// <param name="http">Used as given; the timeout of each attempt is applied here.</param>
/// <param name="endpoint">The app's base URL; request paths are relative to it.</param>
/// <param name="policy">Retries, waits and the timeout of one attempt.</param>
/// <param name="headers">Sent with every request, such as <c>x-functions-key</c>.</param>
/// <param name="secrets">Removed from every message this client returns.</param>
/// <param name="time">The clock of the retry waits.</param>
/// <param name="onRetry">Called before each retry, possibly from several threads at once.</param>
internal sealed class RetryingHttpClient(
    HttpClient http,
    Uri endpoint,
    RetryPolicy policy,
    IReadOnlyList<KeyValuePair<string, string>> headers,
    IReadOnlyList<Secret> secrets,
    TimeProvider time,
    Action onRetry)
{
    private const int MaxMessageLength = 500;

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    private readonly Uri _baseUri = new(endpoint.AbsoluteUri.TrimEnd('/') + "/");

    public async Task<HttpOutcome> PostAsync(string relativePath, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var uri = new Uri(_baseUri, relativePath);
        for (var attempt = 1; ; attempt++)
        {
            var (outcome, retryable, retryAfter) = await AttemptAsync(uri, body, attempt, cancellationToken).ConfigureAwait(false);
            if (outcome.Succeeded || !retryable || attempt > policy.MaxRetries)
            {
                return outcome;
            }

            onRetry();
            await Task.Delay(retryAfter ?? policy.Backoff(attempt), time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(HttpOutcome Outcome, bool Retryable, TimeSpan? RetryAfter)> AttemptAsync(Uri uri, ReadOnlyMemory<byte> body, int attempt, CancellationToken cancellationToken)
    {
        // Request timeouts bound real I/O, so they run on the wall clock whatever TimeProvider delays use.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(policy.RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ReadOnlyMemoryContent(body) };
            request.Content.Headers.ContentType = JsonContentType;
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var message = ReadMessage(text);
            if (response.IsSuccessStatusCode)
            {
                return (new HttpOutcome(true, status, Redact(message ?? "success"), text, attempt), false, null);
            }

            var failure = new HttpOutcome(false, status, Redact(message ?? $"{status} {response.ReasonPhrase}"), null, attempt);
            return (failure, IsRetryable(response.StatusCode), RetryAfter(response));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var message = $"no answer within {policy.RequestTimeout.TotalSeconds:0.###} s";
            return (new HttpOutcome(false, null, message, null, attempt), true, null);
        }
        catch (HttpRequestException e)
        {
            return (new HttpOutcome(false, null, Redact(e.Message), null, attempt), true, null);
        }
    }

    private static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var delay = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => (TimeSpan?)null,
        };

        return delay is { } wait ? TimeSpan.FromTicks(Math.Clamp(wait.Ticks, 0, policy.MaxRetryAfter.Ticks)) : null;
    }

    /// <summary>The answer's <c>message</c>, with any <c>errors</c>; any body is tolerated.</summary>
    private static string? ReadMessage(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Shorten(text);
            }

            var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
            {
                message = $"{message} ({string.Join("; ", errors.EnumerateArray().Select(e => e.ToString()))})";
            }

            return message is null ? null : Shorten(message);
        }
        catch (JsonException)
        {
            return Shorten(text);
        }
    }

    private static string Shorten(string text) => text.Length <= MaxMessageLength ? text : string.Concat(text.AsSpan(0, MaxMessageLength), "…");

    private string Redact(string message)
    {
        foreach (var secret in secrets)
        {
            message = secret.RedactIn(message);
        }

        return message;
    }
}
