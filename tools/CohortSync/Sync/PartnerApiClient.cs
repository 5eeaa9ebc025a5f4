using System.Text.Json;
using CohortFunctions.CohortSync.Http;

namespace CohortFunctions.CohortSync.Sync;

/// <summary>The counts this app adds to Braze's <c>{"message":"success"}</c>; each is absent from Braze's own answers.</summary>
internal readonly record struct ChangeCounts(long? Added, long? Removed, long? Unchanged, long? Unmatched);

/// <summary>How a request ended after its retries.</summary>
internal sealed record RequestOutcome(bool Succeeded, int? StatusCode, string Message, ChangeCounts Counts, int Attempts);

/// <summary>
/// Posts to the partner endpoints with Amplitude's retry policy (<see cref="RetryingHttpClient"/>). The credentials
/// travel in the body; messages are stripped of both keys, since Braze echoes the client secret in one of its 401s.
/// </summary>
internal sealed class PartnerApiClient(HttpClient http, CohortSyncOptions options, TimeProvider time, Action onRetry)
{
    private readonly RetryingHttpClient _client = new(
        http,
        options.Endpoint,
        options.RetryPolicy,
        [],
        [new Secret(options.DataImportKey, "[data import key]"), new Secret(options.PartnerApiKey, "[partner API key]")],
        time,
        onRetry);

    public async Task<RequestOutcome> PostAsync(string relativePath, byte[] body, CancellationToken cancellationToken)
    {
        var outcome = await _client.PostAsync(relativePath, body, cancellationToken).ConfigureAwait(false);
        var counts = outcome is { Succeeded: true, Body: { } text } ? ReadCounts(text) : default;
        return new RequestOutcome(outcome.Succeeded, outcome.StatusCode, outcome.Message, counts, outcome.Attempts);
    }

    /// <summary>This app's counts, when the answer has them; any body is tolerated.</summary>
    private static ChangeCounts ReadCounts(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                ? new ChangeCounts(Count(root, "added"), Count(root, "removed"), Count(root, "unchanged"), Count(root, "unmatched"))
                : default;
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static long? Count(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var count) ? count : null;
}
