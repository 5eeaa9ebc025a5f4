using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace CohortFunctions.CohortSync.Sync;

/// <summary>The counts this app adds to Braze's <c>{"message":"success"}</c>; each is absent from Braze's own answers.</summary>
internal readonly record struct ChangeCounts(long? Added, long? Removed, long? Unchanged, long? Unmatched);

/// <summary>How a request ended after its retries.</summary>
internal sealed record RequestOutcome(bool Succeeded, int? StatusCode, string Message, ChangeCounts Counts, int Attempts);

/// <summary>
/// Posts to the partner endpoints with Amplitude's retry policy: timeouts, connection failures, 408, 429 and 5xx
/// are retried up to <see cref="CohortSyncOptions.MaxRetries"/> times, waiting
/// <see cref="CohortSyncOptions.RetryBaseDelay"/> × 2^(retry − 1), or what <c>Retry-After</c> asks for. Other
/// answers are final. Messages are stripped of both keys: Braze echoes the client secret in one of its 401s.
/// </summary>
internal sealed class PartnerApiClient(HttpClient http, CohortSyncOptions options, TimeProvider time, Action onRetry)
{
    private const int MaxMessageLength = 500;

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    private readonly Uri _baseUri = new(options.Endpoint.AbsoluteUri.TrimEnd('/') + "/");

    public async Task<RequestOutcome> PostAsync(string relativePath, byte[] body, CancellationToken cancellationToken)
    {
        var uri = new Uri(_baseUri, relativePath);
        for (var attempt = 1; ; attempt++)
        {
            var (outcome, retryable, retryAfter) = await AttemptAsync(uri, body, attempt, cancellationToken).ConfigureAwait(false);
            if (outcome.Succeeded || !retryable || attempt > options.MaxRetries)
            {
                return outcome;
            }

            onRetry();
            await Task.Delay(retryAfter ?? Backoff(attempt), time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The wait after failed attempt <paramref name="attempt"/>: 1×, 2×, 4×, … the base delay.</summary>
    internal TimeSpan Backoff(int attempt) => options.RetryBaseDelay * Math.Pow(2, attempt - 1);

    private async Task<(RequestOutcome Outcome, bool Retryable, TimeSpan? RetryAfter)> AttemptAsync(Uri uri, byte[] body, int attempt, CancellationToken cancellationToken)
    {
        // Request timeouts bound real I/O, so they run on the wall clock whatever TimeProvider delays use.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = JsonContentType;
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var (message, counts) = ReadBody(text);
            if (response.IsSuccessStatusCode)
            {
                return (new RequestOutcome(true, status, message ?? "success", counts, attempt), false, null);
            }

            var failure = new RequestOutcome(false, status, Redact(message ?? $"{status} {response.ReasonPhrase}"), default, attempt);
            return (failure, IsRetryable(response.StatusCode), RetryAfter(response));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var message = $"no answer within {options.RequestTimeout.TotalSeconds:0.###} s";
            return (new RequestOutcome(false, null, message, default, attempt), true, null);
        }
        catch (HttpRequestException e)
        {
            return (new RequestOutcome(false, null, Redact(e.Message), default, attempt), true, null);
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

        return delay is { } wait ? TimeSpan.FromTicks(Math.Clamp(wait.Ticks, 0, options.MaxRetryAfter.Ticks)) : null;
    }

    /// <summary>The answer's <c>message</c> (with any <c>errors</c>) and this app's counts; any body is tolerated.</summary>
    private static (string? Message, ChangeCounts Counts) ReadBody(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, default);
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (Shorten(text), default);
            }

            var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
            {
                message = $"{message} ({string.Join("; ", errors.EnumerateArray().Select(e => e.ToString()))})";
            }

            var counts = new ChangeCounts(Count(root, "added"), Count(root, "removed"), Count(root, "unchanged"), Count(root, "unmatched"));
            return (message is null ? null : Shorten(message), counts);
        }
        catch (JsonException)
        {
            return (Shorten(text), default);
        }
    }

    private static long? Count(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var count) ? count : null;

    private static string Shorten(string text) => text.Length <= MaxMessageLength ? text : string.Concat(text.AsSpan(0, MaxMessageLength), "…");

    /// <summary>
    /// Keys shorter than this are not searched for: real keys are far longer, and replacing every "d" of a
    /// message for a one-letter test key would make it unreadable.
    /// </summary>
    internal const int MinRedactedLength = 6;

    private string Redact(string message) => Redact(Redact(message, options.DataImportKey, "[data import key]"), options.PartnerApiKey, "[partner API key]");

    private static string Redact(string message, string secret, string replacement) =>
        secret.Length >= MinRedactedLength ? message.Replace(secret, replacement, StringComparison.Ordinal) : message;
}
