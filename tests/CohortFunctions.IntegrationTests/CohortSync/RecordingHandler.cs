using System.Collections.Concurrent;
using System.Text.Json;

namespace CohortFunctions.IntegrationTests.CohortSync;

/// <summary>A request as it went over the wire: its path and its JSON body.</summary>
public sealed record SentRequest(string Path, JsonElement Body)
{
    /// <summary>The values of one identifier array of the change object with (or without) <c>should_remove</c>.</summary>
    public IReadOnlyList<string> Identifiers(bool remove, string array) =>
        [.. Body.GetProperty("cohort_changes").EnumerateArray()
            .Where(c => IsRemove(c) == remove)
            .SelectMany(c => c.GetProperty(array).EnumerateArray())
            .Select(v => array == "aliases" ? $"{v.GetProperty("alias_label").GetString()}={v.GetProperty("alias_name").GetString()}" : v.GetString() ?? "")
            .Order(StringComparer.Ordinal)];

    private static bool IsRemove(JsonElement change) => change.TryGetProperty("should_remove", out var remove) && remove.GetBoolean();
}

/// <summary>Passes requests on to the real app and keeps each one, so a test can see exactly what a sync sent.</summary>
public sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly ConcurrentQueue<SentRequest> _requests = new();

    public IReadOnlyList<SentRequest> Requests => [.. _requests];

    /// <summary>Forgets what was sent so far, to look at the next sync alone.</summary>
    public void Clear() => _requests.Clear();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Content is not null)
        {
            using var body = JsonDocument.Parse(await request.Content.ReadAsByteArrayAsync(cancellationToken));
            _requests.Enqueue(new SentRequest(request.RequestUri?.AbsolutePath ?? "", body.RootElement.Clone()));
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
