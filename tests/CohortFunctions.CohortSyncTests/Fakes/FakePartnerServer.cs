using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace CohortFunctions.CohortSyncTests.Fakes;

/// <summary>A request the fake received: its path and its JSON body.</summary>
public sealed record RecordedRequest(string Path, JsonElement Body, int Number)
{
    /// <summary>The <c>x-functions-key</c> header, when sent (the management API's users requests).</summary>
    public string? FunctionKey { get; init; }

    public bool IsUsersUpsert => Path.EndsWith("/users", StringComparison.Ordinal) && Path.Contains("/manage/workspaces/", StringComparison.Ordinal);

    public bool IsNameCall => Path.EndsWith("/cohorts", StringComparison.Ordinal);

    public bool IsUsersCall => Path.EndsWith("/cohorts/users", StringComparison.Ordinal);

    public IEnumerable<JsonElement> Changes(bool remove) =>
        Body.GetProperty("cohort_changes").EnumerateArray()
            .Where(c => (c.TryGetProperty("should_remove", out var r) && r.GetBoolean()) == remove);

    /// <summary>The identifiers of the add (or remove) objects, written as <c>MemberIdentifier.ToString()</c> writes them.</summary>
    public IReadOnlyList<string> Ids(bool remove) =>
        [.. Changes(remove).SelectMany(c =>
            c.GetProperty("user_ids").EnumerateArray().Select(v => $"user_id={v.GetString()}")
                .Concat(c.GetProperty("device_ids").EnumerateArray().Select(v => $"device_id={v.GetString()}"))
                .Concat(c.GetProperty("aliases").EnumerateArray().Select(a => $"alias:{a.GetProperty("alias_label").GetString()}={a.GetProperty("alias_name").GetString()}")))];

    public int IdCount => Ids(remove: false).Count + Ids(remove: true).Count;
}

/// <summary>
/// Stands in for the app's partner endpoints: records every request, tracks how many are in flight at once, and
/// answers as told (by default like this app: 201 with added/removed counts).
/// </summary>
public sealed class FakePartnerServer(Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>? respond = null) : HttpMessageHandler
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly TaskCompletionSource _concurrencyReached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> _respond = respond ?? Responses.LikeTheApp;
    private int _count;
    private int _inFlight;
    private int _maxInFlight;

    /// <summary>
    /// When set, each request waits until this many are in flight together (or a safety timeout passes), so that
    /// a parallelism test observes real overlap instead of depending on timing.
    /// </summary>
    public int? HoldUntilConcurrent { get; init; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests.OrderBy(r => r.Number)];

    public IReadOnlyList<RecordedRequest> UsersCalls => [.. Requests.Where(r => r.IsUsersCall)];

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var text = await request.Content!.ReadAsStringAsync(cancellationToken);
        using var document = JsonDocument.Parse(text);
        var recorded = new RecordedRequest(request.RequestUri!.AbsolutePath, document.RootElement.Clone(), Interlocked.Increment(ref _count))
        {
            FunctionKey = request.Headers.TryGetValues("x-functions-key", out var keys) ? keys.Single() : null,
        };
        _requests.Enqueue(recorded);
        var inFlight = Interlocked.Increment(ref _inFlight);
        try
        {
            int max;
            while (inFlight > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, inFlight, max) != max)
            {
            }

            if (HoldUntilConcurrent is { } wanted)
            {
                if (inFlight >= wanted)
                {
                    _concurrencyReached.TrySetResult();
                }

                await Task.WhenAny(_concurrencyReached.Task, Task.Delay(TimeSpan.FromSeconds(2), cancellationToken));
            }

            return await _respond(recorded, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}

/// <summary>Answers for <see cref="FakePartnerServer"/>.</summary>
public static class Responses
{
    /// <summary>This app's answer: 201 with the counts of what the request carried, all matched.</summary>
    public static Task<HttpResponseMessage> LikeTheApp(RecordedRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(request.IsUsersCall
            ? Json(HttpStatusCode.Created, new { message = "success", added = request.Ids(false).Count, removed = request.Ids(true).Count, unchanged = 0, unmatched = 0, data_points = request.IdCount })
            : Json(HttpStatusCode.Created, new { message = "success" }));

    /// <summary>Braze's own answer: no counts.</summary>
    public static Task<HttpResponseMessage> LikeBraze(RecordedRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Json(HttpStatusCode.Created, new { message = "success" }));

    public static HttpResponseMessage Json(HttpStatusCode status, object body) =>
        new(status) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Message(HttpStatusCode status, string message) => Json(status, new { message });
}
