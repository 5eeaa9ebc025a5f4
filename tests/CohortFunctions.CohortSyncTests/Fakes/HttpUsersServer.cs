using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace CohortFunctions.CohortSyncTests.Fakes;

/// <summary>
/// A users API on a real loopback HTTP port, for runs of the <c>cohort-sync</c> process itself (a crash test kills
/// it; the memory test measures it): answers <c>POST /manage/workspaces/{ws}/users</c> as <see cref="FakeUsersApi"/>
/// does, records the external ids of every request it answered 200 (in full), and holds for ever the requests that
/// <see cref="Hold"/> picks.
/// </summary>
public sealed class HttpUsersServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<IReadOnlyList<string>> _answered = new();
    private readonly ConcurrentDictionary<string, int> _applied = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private int _received;

    public HttpUsersServer()
    {
        Endpoint = new Uri($"http://127.0.0.1:{FreePort()}/");
        _listener.Prefixes.Add(Endpoint.AbsoluteUri);
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>Requests (by their external ids) that get no answer until the server is disposed; may change between runs.</summary>
    public Func<IReadOnlyList<string>, bool> Hold { get; set; } = _ => false;

    /// <summary>A pause before each answer, so that a run lasts long enough to be killed in the middle.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>The external ids of each request answered 200, in the order the answers were written.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Answered => [.. _answered];

    /// <summary>Forgets the answers so far, to look at the next run alone; returns them.</summary>
    public IReadOnlyList<IReadOnlyList<string>> TakeAnswered()
    {
        var answered = new List<IReadOnlyList<string>>();
        while (_answered.TryDequeue(out var ids))
        {
            answered.Add(ids);
        }

        return answered;
    }

    public int Received => Volatile.Read(ref _received);

    /// <summary>How many times each external id was applied (created or updated).</summary>
    public IReadOnlyDictionary<string, int> Applied => _applied;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            Interlocked.Increment(ref _received);
            using var body = await JsonDocument.ParseAsync(context.Request.InputStream, cancellationToken: _stop.Token);
            var users = body.RootElement.GetProperty("users");
            var ids = users.EnumerateArray().Select(u => u.TryGetProperty("external_id", out var e) ? e.GetString()! : FakeUsersApi.Key(u)).ToList();
            if (Hold(ids))
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }

            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, _stop.Token);
            }

            int created = 0, updated = 0;
            foreach (var id in ids)
            {
                if (_applied.AddOrUpdate(id, 1, (_, n) => n + 1) == 1)
                {
                    created++;
                }
                else
                {
                    updated++;
                }
            }

            var answer = JsonSerializer.SerializeToUtf8Bytes(new { created, updated, errors = Array.Empty<object>() });
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = answer.Length;
            await context.Response.OutputStream.WriteAsync(answer, _stop.Token);
            context.Response.Close();
            _answered.Enqueue(ids);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException or IOException)
        {
            context.Response.Abort();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
