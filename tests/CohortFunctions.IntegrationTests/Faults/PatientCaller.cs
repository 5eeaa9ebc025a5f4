using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using CohortFunctions.App.Http;
using CohortFunctions.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace CohortFunctions.IntegrationTests.Faults;

/// <summary>
/// Calls the app as its senders do (Amplitude retries a postback on 503 until it is accepted): each call is repeated
/// after a 503 — and after any status the caller names as "busy, try again" — until it gets its success status. Every
/// answer is checked on the way: it came before the app's deadline plus a little slack; it is not a 500; a 503 has
/// <c>Retry-After</c> and the app's error shape with nothing but a message and a request id. Figures are kept per
/// operation for the test output.
/// </summary>
internal sealed class PatientCaller
{
    /// <summary>Attempts of one call before the test gives up on the app ever converging.</summary>
    private const int MaxAttempts = 40;

    private static readonly string[] UnavailableMessages = [UnhandledErrors.UnavailableMessage, UnhandledErrors.TimedOutMessage];

    private readonly TestApp _app;
    private readonly HttpClient _client;
    private readonly TimeSpan _maxAnswerTime;
    private readonly ITestOutputHelper _output;
    private readonly ConcurrentDictionary<string, OperationFigures> _figures = new(StringComparer.Ordinal);
    private readonly Random _jitter = new(7);
    private readonly Lock _gate = new();

    public PatientCaller(TestApp app, TimeSpan maxAnswerTime, ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(app);
        _app = app;
        _client = app.CreateClient();
        _maxAnswerTime = maxAnswerTime;
        _output = output;

        // Longer than any answer may take, so a hang is measured and reported rather than cut short by the client.
        _client.Timeout = maxAnswerTime + TimeSpan.FromSeconds(60);
    }

    /// <summary>Sends until <paramref name="success"/>; returns the successful answer's body.</summary>
    /// <param name="operation">A name for the figures, e.g. <c>postback</c>.</param>
    /// <param name="request">Builds the request (a fresh one per attempt).</param>
    /// <param name="success">The status that ends the call.</param>
    /// <param name="busy">Statuses that also mean "try again shortly" for this operation (e.g. 409 for a resync already running).</param>
    /// <param name="acceptAfterRetry">Statuses that end the call only after an earlier attempt failed, because that attempt may have done the work (e.g. 404 for a repeated delete).</param>
    /// <param name="handBack">Statuses handed back to the caller to deal with (checked like any other answer).</param>
    public async Task<(HttpStatusCode Status, string Body)> SendAsync(
        string operation,
        Func<HttpRequestMessage> request,
        HttpStatusCode success,
        IReadOnlyCollection<HttpStatusCode>? busy = null,
        IReadOnlyCollection<HttpStatusCode>? acceptAfterRetry = null,
        IReadOnlyCollection<HttpStatusCode>? handBack = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var figures = _figures.GetOrAdd(operation, _ => new OperationFigures());
        Interlocked.Increment(ref figures.Calls);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            Interlocked.Increment(ref figures.Attempts);
            using var message = request();
            var stopwatch = Stopwatch.StartNew();
            HttpResponseMessage response;
            string body;
            try
            {
                response = await _client.SendAsync(message);
                body = await response.Content.ReadAsStringAsync();
            }
            catch (TaskCanceledException ex)
            {
                throw new Xunit.Sdk.XunitException($"{operation}: no answer within {_client.Timeout.TotalSeconds:0} s ({message.Method} {message.RequestUri}).", ex);
            }

            stopwatch.Stop();
            figures.Observe(stopwatch.Elapsed);
            using (response)
            {
                var status = response.StatusCode;
                figures.Count(status);
                Assert.True(
                    stopwatch.Elapsed < _maxAnswerTime,
                    $"{operation}: answered {(int)status} after {stopwatch.Elapsed.TotalSeconds:0.0} s, past the request deadline and its slack ({_maxAnswerTime.TotalSeconds:0} s).");
                if (status == success || (attempt > 1 && acceptAfterRetry?.Contains(status) == true) || handBack?.Contains(status) == true)
                {
                    return (status, body);
                }

                if (status == HttpStatusCode.ServiceUnavailable)
                {
                    AssertUnavailableAnswer(operation, response, body);
                    Interlocked.Increment(ref figures.Retried);
                }
                else if (busy?.Contains(status) == true)
                {
                    Interlocked.Increment(ref figures.Retried);
                }
                else
                {
                    Assert.Fail($"{operation}: unexpected {(int)status} {status} on attempt {attempt} ({message.Method} {message.RequestUri}): {body}{LoggedErrorOf(body)}");
                }
            }

            await Task.Delay(Pause(attempt));
        }

        throw new Xunit.Sdk.XunitException($"{operation}: still failing after {MaxAttempts} attempts; the app does not recover from the faults.");
    }

    /// <summary>Sends a JSON body with <c>POST</c> until <paramref name="success"/>; returns the answer as JSON.</summary>
    public async Task<JsonElement> PostJsonAsync(string operation, string path, object body, HttpStatusCode success)
    {
        var (_, text) = await SendAsync(operation, () => new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = TestJson.Body(body) }, success);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Calls, attempts and retries per operation, statuses seen and the slowest answer.</summary>
    public string Figures() => string.Join("; ", _figures.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}: {f.Value}"));

    /// <summary>The figures of one operation.</summary>
    public (long Calls, long Attempts, long Retried, TimeSpan Slowest) Of(string operation) =>
        _figures.TryGetValue(operation, out var f) ? (f.Calls, f.Attempts, f.Retried, f.Slowest) : (0, 0, 0, TimeSpan.Zero);

    public void Write(string line) => _output.WriteLine(line);

    /// <summary>The exception the app logged for the request id in an error answer, so a failure says what went wrong inside.</summary>
    private string LoggedErrorOf(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (!json.RootElement.TryGetProperty("request_id", out var id) || id.GetString() is not { } requestId)
            {
                return "";
            }

            var logged = _app.Logs.Entries.FirstOrDefault(e => e.Exception is not null && e.State.Any(p => p.Key == "RequestId" && Equals(p.Value, requestId)));
            return logged is null ? "" : $"\nThe app logged: {logged.Exception}";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static void AssertUnavailableAnswer(string operation, HttpResponseMessage response, string body)
    {
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"{operation}: a 503 without Retry-After: {body}");
        using var json = JsonDocument.Parse(body);
        var names = json.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["message", "request_id"], names);
        Assert.Contains(json.RootElement.GetProperty("message").GetString(), UnavailableMessages);
    }

    /// <summary>A short pause, growing a little with each attempt; far shorter than Retry-After, to keep the test quick.</summary>
    private TimeSpan Pause(int attempt)
    {
        lock (_gate)
        {
            return TimeSpan.FromMilliseconds(Math.Min(100 * attempt, 1000) + _jitter.Next(0, 100));
        }
    }

    private sealed class OperationFigures
    {
        public long Calls;
        public long Attempts;
        public long Retried;
        private readonly ConcurrentDictionary<int, long> _statuses = new();
        private long _slowestTicks;

        public TimeSpan Slowest => TimeSpan.FromTicks(Interlocked.Read(ref _slowestTicks));

        public void Count(HttpStatusCode status) => _statuses.AddOrUpdate((int)status, 1, (_, n) => n + 1);

        public void Observe(TimeSpan elapsed)
        {
            long seen;
            do
            {
                seen = Interlocked.Read(ref _slowestTicks);
            }
            while (elapsed.Ticks > seen && Interlocked.CompareExchange(ref _slowestTicks, elapsed.Ticks, seen) != seen);
        }

        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"{Calls} calls, {Attempts} attempts, {Retried} retried, statuses {{{string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}}}, slowest {Slowest.TotalSeconds:0.0} s");
    }
}
