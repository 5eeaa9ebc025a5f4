using System.Text.Json;
using CohortFunctions.CohortSync.Http;

namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// Sends batches to <c>POST /manage/workspaces/{ws}/users</c> (docs/users.md) through the sender's retrying client,
/// with the function key in <c>x-functions-key</c>, and reads the answer <c>{"created", "updated", "errors"}</c>. An
/// answer whose counts do not account for every entry of the request is not an acknowledgment: the batch is then
/// reported as failed, and sent again by the next run.
/// </summary>
internal sealed class UsersApiClient(HttpClient http, UserImportOptions options, TimeProvider time, Action onRetry)
{
    public const string FunctionKeyHeader = "x-functions-key";

    private readonly RetryingHttpClient _client = new(
        http,
        options.Endpoint,
        options.RetryPolicy,
        options.FunctionKey is { Length: > 0 } key ? [new(FunctionKeyHeader, key)] : [],
        options.FunctionKey is { Length: > 0 } secret ? [new Secret(secret, "[function key]")] : [],
        time,
        onRetry);

    private readonly string _path = $"manage/workspaces/{Uri.EscapeDataString(options.Workspace)}/users";

    public async Task<UsersBatchOutcome> PostAsync(ImportBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var outcome = await _client.PostAsync(_path, batch.Body, cancellationToken).ConfigureAwait(false);
        if (!outcome.Succeeded)
        {
            return UsersBatchOutcome.Failed(outcome.StatusCode, outcome.Message, outcome.Attempts);
        }

        return Read(outcome.Body ?? string.Empty, batch.Users) is { } answer
            ? answer with { StatusCode = outcome.StatusCode, Attempts = outcome.Attempts }
            : UsersBatchOutcome.Failed(outcome.StatusCode, $"the answer does not account for the {batch.Users:N0} users sent (created, updated and errors[] with their indexes).", outcome.Attempts);
    }

    /// <summary>The counts of an answer, or <c>null</c> when they are missing or do not add up to <paramref name="users"/>.</summary>
    private static UsersBatchOutcome? Read(string text, int users)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("created", out var created) || !created.TryGetInt32(out var createdCount)
                || !root.TryGetProperty("updated", out var updated) || !updated.TryGetInt32(out var updatedCount)
                || !root.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var entryErrors = new List<EntryError>(errors.GetArrayLength());
            var indexes = new HashSet<int>();
            foreach (var error in errors.EnumerateArray())
            {
                if (error.ValueKind != JsonValueKind.Object
                    || !error.TryGetProperty("index", out var index) || !index.TryGetInt32(out var position)
                    || position < 0 || position >= users || !indexes.Add(position))
                {
                    return null;
                }

                var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "rejected.";
                entryErrors.Add(new EntryError(position, message));
            }

            return createdCount >= 0 && updatedCount >= 0 && createdCount + updatedCount + entryErrors.Count == users
                ? new UsersBatchOutcome(true, createdCount, updatedCount, entryErrors, null, "success", 0)
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
