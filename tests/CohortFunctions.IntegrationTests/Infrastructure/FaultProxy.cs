using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CohortFunctions.IntegrationTests.Infrastructure;

/// <summary>What the proxy did to one request.</summary>
public enum FaultKind
{
    /// <summary>Forwarded, and the answer relayed as it came.</summary>
    None,

    /// <summary>Answered <c>500 InternalError</c> by the proxy; storage never saw the request.</summary>
    Error500,

    /// <summary>Answered <c>503 ServerBusy</c> by the proxy; storage never saw the request.</summary>
    Error503,

    /// <summary>The connection closed once the request was read; storage never saw it.</summary>
    DropRequest,

    /// <summary>Forwarded and done by storage, then the connection closed half-way through the answer: the write happened, the caller cannot know.</summary>
    LoseResponse,

    /// <summary>Never forwarded nor answered: the connection stays silent until the caller gives up (its network timeout).</summary>
    Stall,

    /// <summary>Forwarded at once, the answer held back for a while (always less than a stall).</summary>
    Delay,
}

/// <summary>
/// Which fraction of requests gets which fault. Fractions add up to at most 1; the rest is forwarded untouched.
/// <see cref="Applies"/> limits faults to some requests (e.g. those naming one table).
/// </summary>
public sealed record FaultPlan
{
    public static FaultPlan None { get; } = new();

    public double Error500 { get; init; }

    public double Error503 { get; init; }

    public double DropRequest { get; init; }

    public double LoseResponse { get; init; }

    public double Stall { get; init; }

    public double Delay { get; init; }

    /// <summary>Longest <see cref="FaultKind.Delay"/>; keep it under the client's network timeout so a delay is slowness, not a stall.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Which requests may be faulted; every request when null.</summary>
    public Func<ProxiedRequest, bool>? Applies { get; init; }

    public double Total => Error500 + Error503 + DropRequest + LoseResponse + Stall + Delay;

    /// <summary>
    /// A mix of every kind adding up to <paramref name="fraction"/>. Lost connections (before and after the write) and
    /// errors make up most of it; delays a fifth; stalls are rare because each one costs the caller a whole network
    /// timeout, and a request makes hundreds of storage calls.
    /// </summary>
    public static FaultPlan Storm(double fraction) => new()
    {
        Error500 = fraction * 0.15,
        Error503 = fraction * 0.20,
        DropRequest = fraction * 0.15,
        LoseResponse = fraction * 0.28,
        Stall = fraction * 0.01,
        Delay = fraction * 0.21,
        MaxDelay = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>Every request that <paramref name="applies"/> selects gets <paramref name="kind"/>; the others pass.</summary>
    public static FaultPlan Always(FaultKind kind, Func<ProxiedRequest, bool> applies) => kind switch
    {
        FaultKind.Error500 => new() { Error500 = 1, Applies = applies },
        FaultKind.Error503 => new() { Error503 = 1, Applies = applies },
        FaultKind.DropRequest => new() { DropRequest = 1, Applies = applies },
        FaultKind.LoseResponse => new() { LoseResponse = 1, Applies = applies },
        FaultKind.Stall => new() { Stall = 1, Applies = applies },
        FaultKind.Delay => new() { Delay = 1, Applies = applies },
        _ => new() { Applies = applies },
    };

    public override string ToString()
    {
        var kinds = new (string Name, double Fraction)[]
        {
            ("500", Error500), ("503", Error503), ("drop", DropRequest), ("lost answer", LoseResponse), ("stall", Stall),
            (string.Create(CultureInfo.InvariantCulture, $"delay ≤ {MaxDelay.TotalMilliseconds:0} ms"), Delay),
        };
        var mix = string.Join(", ", kinds.Where(k => k.Fraction > 0).Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Name} {k.Fraction:P1}")));
        return string.Create(CultureInfo.InvariantCulture, $"{Total:P0} of {(Applies is null ? "all" : "selected")} requests faulted ({mix})");
    }
}

/// <summary>A request as the proxy read it, for <see cref="FaultPlan.Applies"/>.</summary>
public sealed class ProxiedRequest(string method, string target, byte[] body)
{
    private string? _bodyText;

    public string Method { get; } = method;

    /// <summary>The request target, e.g. <c>/devstoreaccount1/t1a2b3cmemberships(PartitionKey='…',RowKey='…')</c>.</summary>
    public string Target { get; } = target;

    /// <summary>The body as text (a transaction names its table in the body: its target is <c>/devstoreaccount1/$batch</c>).</summary>
    public string BodyText => _bodyText ??= Encoding.UTF8.GetString(body);

    /// <summary>Whether the request, or an operation of a transaction, addresses <paramref name="table"/>.</summary>
    public bool Addresses(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return Names(Target, table) || (Target.Contains("$batch", StringComparison.Ordinal) && Names(BodyText, table));
    }

    private static bool Names(string text, string table)
    {
        var needle = "/" + table;
        for (var at = text.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = text.IndexOf(needle, at + 1, StringComparison.Ordinal))
        {
            var end = at + needle.Length;
            if (end == text.Length || text[end] is '(' or '?' or ' ' or '\r' or '\n' or '/')
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A request the proxy forwarded, and the status storage answered it with (see <see cref="FaultProxy.StartRecording"/>).</summary>
public sealed record RecordedRequest(string Method, string Target, int Status, string Body)
{
    /// <summary>An entity group transaction (<c>POST …/$batch</c>); its operations are in <see cref="Body"/>.</summary>
    public bool IsTransaction => Target.Contains("$batch", StringComparison.Ordinal);

    /// <summary>A read: a point read or a query (a GET).</summary>
    public bool IsRead => Method == "GET";

    /// <summary>Whether the request, or an operation of a transaction, addresses <paramref name="table"/>.</summary>
    public bool Addresses(string table) => new ProxiedRequest(Method, Target, System.Text.Encoding.UTF8.GetBytes(Body)).Addresses(table);

    public override string ToString() => $"{Method} {Target} -> {Status}";
}

/// <summary>What a proxy has done so far.</summary>
public sealed record FaultProxyCounts(long Requests, long Forwarded, IReadOnlyDictionary<FaultKind, long> Faults)
{
    public long Injected => Faults.Where(f => f.Key != FaultKind.None).Sum(f => f.Value);

    public long Of(FaultKind kind) => Faults.GetValueOrDefault(kind);

    public override string ToString()
    {
        var kinds = string.Join(", ", Enum.GetValues<FaultKind>().Where(k => k != FaultKind.None).Select(k => string.Create(CultureInfo.InvariantCulture, $"{k} {Of(k)}")));
        return string.Create(CultureInfo.InvariantCulture, $"{Requests} requests, {Forwarded} forwarded, {Injected} faults injected: {kinds}");
    }
}

/// <summary>
/// An HTTP/1.1 proxy between the app and Azurite's table endpoint (loopback only) that injects faults into a
/// seeded-random fraction of requests: answers 500/503 itself, closes connections before or after storage did the
/// work, stalls, or delays answers. Requests are read whole (request line, headers, <c>Content-Length</c> or chunked
/// body — a transaction is a multipart body with a length), so every decision is about a complete request; answers
/// are relayed byte for byte. Point an app at <see cref="ConnectionString"/>:
/// <code>
/// await using var proxy = await FaultProxy.StartAsync(FaultPlan.Storm(0.15), seed: 42);
/// await using var app = await TestApp.StartAsync(b => b.Set(TestAppBuilder.ConnectionStringKey, proxy.ConnectionString));
/// </code>
/// The random sequence is seeded, so a run's decisions are reproducible in order; which request gets which decision
/// still depends on how the app's concurrent requests interleave.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private const int MaxHeadBytes = 64 * 1024;

    /// <summary>How long an upstream connection may idle before it is replaced (Node closes idle keep-alive sockets after 5 s).</summary>
    private static readonly TimeSpan UpstreamIdleLimit = TimeSpan.FromSeconds(2);

    /// <summary>A stalled connection is closed by the proxy after this, if the client has not given up first.</summary>
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(30);

    private readonly TcpListener _listener;
    private readonly IPEndPoint _upstream;
    private readonly Random _random;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<TcpClient, Task> _connections = new();
    private readonly long[] _faults = new long[Enum.GetValues<FaultKind>().Length];
    private readonly ConcurrentQueue<FaultPlan> _plansUsed = new();
    private ConcurrentQueue<RecordedRequest>? _recording;
    private long _requests;
    private long _forwarded;
    private FaultPlan _plan;
    private Task _accepting = Task.CompletedTask;

    private FaultProxy(IPEndPoint upstream, FaultPlan plan, int seed)
    {
        _upstream = upstream;
        _plan = plan;
        _random = new Random(seed);
        _listener = new TcpListener(IPAddress.Loopback, 0);
    }

    /// <summary>The port the proxy listens on (127.0.0.1).</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>A connection string for the app: Azurite's account and key, the proxy's table endpoint.</summary>
    public string ConnectionString => AzuriteFixture.ConnectionStringFor(Port);

    /// <summary>The faults injected from now on; set <see cref="FaultPlan.None"/> to let everything through.</summary>
    public FaultPlan Plan
    {
        get => Volatile.Read(ref _plan);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Volatile.Write(ref _plan, value);
            if (value.Total > 0)
            {
                _plansUsed.Enqueue(value);
            }
        }
    }

    /// <summary>Every plan with faults this proxy has been given, in order, for the test output.</summary>
    public IReadOnlyList<FaultPlan> PlansUsed => [.. _plansUsed];

    /// <summary>Starts a proxy in front of the integration tests' Azurite (<see cref="AzuriteFixture"/>).</summary>
    public static async Task<FaultProxy> StartAsync(FaultPlan plan, int seed) =>
        Start(UpstreamOf(await AzuriteFixture.GetConnectionStringAsync()), plan, seed);

    /// <summary>Starts a proxy in front of the table endpoint of <paramref name="connectionString"/>, which must be on this machine.</summary>
    public static FaultProxy Start(string connectionString, FaultPlan plan, int seed) => Start(UpstreamOf(connectionString), plan, seed);

    /// <summary>
    /// From now on keeps every request storage answered, with its status (the proxy sees every storage request the
    /// app makes: tests count them). Starting again forgets what was kept.
    /// </summary>
    public void StartRecording() => Volatile.Write(ref _recording, new ConcurrentQueue<RecordedRequest>());

    /// <summary>The requests kept since <see cref="StartRecording"/>, in the order their answers came; stops keeping them.</summary>
    public IReadOnlyList<RecordedRequest> StopRecording() => [.. Interlocked.Exchange(ref _recording, null) ?? []];

    /// <summary>What the proxy has done so far.</summary>
    public FaultProxyCounts Counts()
    {
        var faults = Enum.GetValues<FaultKind>().ToDictionary(k => k, k => Interlocked.Read(ref _faults[(int)k]));
        return new FaultProxyCounts(Interlocked.Read(ref _requests), Interlocked.Read(ref _forwarded), faults);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        foreach (var client in _connections.Keys)
        {
            client.Dispose();
        }

        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        await Task.WhenAll(_connections.Values);
        _stopping.Dispose();
    }

    private static FaultProxy Start(IPEndPoint upstream, FaultPlan plan, int seed)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var proxy = new FaultProxy(upstream, plan, seed);
        proxy._listener.Start();
        proxy._accepting = proxy.AcceptAsync();
        return proxy;
    }

    /// <summary>The loopback endpoint of a connection string's table endpoint; anything else is refused.</summary>
    private static IPEndPoint UpstreamOf(string connectionString)
    {
        var endpoint = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].Trim().Equals("TableEndpoint", StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair[1].Trim())
            .FirstOrDefault();
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp
            || !(uri.IsLoopback && IPAddress.TryParse(uri.Host == "localhost" ? "127.0.0.1" : uri.Host, out var address) && IPAddress.IsLoopback(address)))
        {
            throw new InvalidOperationException(
                "The fault proxy only sits in front of an http table endpoint on this machine (Azurite); the storage under test is elsewhere. "
                + $"Unset {AzuriteFixture.ConnectionStringVariable} to run these tests on the fixture's Azurite.");
        }

        return new IPEndPoint(address, uri.Port);
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            client.NoDelay = true;
            _connections[client] = Task.Run(() => ServeAsync(client));
        }
    }

    /// <summary>One client connection: requests one after another (keep-alive), each faulted or relayed.</summary>
    private async Task ServeAsync(TcpClient client)
    {
        var upstream = new Upstream(_upstream);
        try
        {
            var stream = client.GetStream();
            var reader = new MessageReader(stream);
            while (!_stopping.IsCancellationRequested)
            {
                var request = await reader.ReadAsync(requestMethod: null, _stopping.Token);
                if (request is null)
                {
                    return;
                }

                Interlocked.Increment(ref _requests);
                var (kind, delay) = Decide(new ProxiedRequest(request.Method, request.Target, request.Body));
                Interlocked.Increment(ref _faults[(int)kind]);
                switch (kind)
                {
                    case FaultKind.Error500:
                    case FaultKind.Error503:
                        await stream.WriteAsync(ErrorResponse(kind == FaultKind.Error500 ? 500 : 503), _stopping.Token);
                        if (request.Closes)
                        {
                            return;
                        }

                        continue;
                    case FaultKind.DropRequest:
                        Reset(client);
                        return;
                    case FaultKind.Stall:
                        await WaitForCloseAsync(stream);
                        return;
                    default:
                        break;
                }

                Interlocked.Increment(ref _forwarded);
                var response = await upstream.ExchangeAsync(request, _stopping.Token);
                if (response is null)
                {
                    // Storage is unreachable or closed on us: the client sees its connection go, as it would without a proxy.
                    Reset(client);
                    return;
                }

                Volatile.Read(ref _recording)?.Enqueue(new RecordedRequest(request.Method, request.Target, response.Status, Encoding.UTF8.GetString(request.Body)));
                if (kind == FaultKind.LoseResponse)
                {
                    await stream.WriteAsync(response.Raw.AsMemory(0, response.Raw.Length / 2), _stopping.Token);
                    Reset(client);
                    return;
                }

                if (kind == FaultKind.Delay)
                {
                    await Task.Delay(delay, _stopping.Token);
                }

                await stream.WriteAsync(response.Raw, _stopping.Token);
                if (request.Closes || response.Closes)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidDataException)
        {
            // The client went away, or the proxy is stopping, or a peer spoke something that is not HTTP/1.1.
        }
        finally
        {
            upstream.Dispose();
            client.Dispose();
            _connections.TryRemove(client, out _);
        }
    }

    private (FaultKind Kind, TimeSpan Delay) Decide(ProxiedRequest request)
    {
        var plan = Plan;
        if (plan.Total <= 0 || (plan.Applies is { } applies && !applies(request)))
        {
            return (FaultKind.None, TimeSpan.Zero);
        }

        double roll, delayRoll;
        lock (_gate)
        {
            roll = _random.NextDouble();
            delayRoll = _random.NextDouble();
        }

        foreach (var (kind, fraction) in (ReadOnlySpan<(FaultKind, double)>)[
            (FaultKind.Error500, plan.Error500),
            (FaultKind.Error503, plan.Error503),
            (FaultKind.DropRequest, plan.DropRequest),
            (FaultKind.LoseResponse, plan.LoseResponse),
            (FaultKind.Stall, plan.Stall),
            (FaultKind.Delay, plan.Delay)])
        {
            if (roll < fraction)
            {
                return (kind, kind == FaultKind.Delay ? plan.MaxDelay * delayRoll : TimeSpan.Zero);
            }

            roll -= fraction;
        }

        return (FaultKind.None, TimeSpan.Zero);
    }

    /// <summary>Holds a stalled connection until the client closes it (its network timeout) or the stall limit passes.</summary>
    private async Task WaitForCloseAsync(NetworkStream stream)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        limit.CancelAfter(StallLimit);
        var sink = new byte[4096];
        try
        {
            while (await stream.ReadAsync(sink, limit.Token) > 0)
            {
                // A client that sends more on a connection it has had no answer on is not HTTP/1.1 without pipelining; ignore it.
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Closes with a reset, as a crashed peer or a middlebox would, rather than a polite FIN.</summary>
    private static void Reset(TcpClient client)
    {
        try
        {
            client.Client.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        client.Dispose();
    }

    /// <summary>An answer in Table Storage's JSON error format, which the SDK parses (status, error code) and retries.</summary>
    private static byte[] ErrorResponse(int status)
    {
        var (reason, code) = status == 500 ? ("Internal Server Error", "InternalError") : ("Service Unavailable", "ServerBusy");
        var body = """{"odata.error":{"code":""" + "\"" + code + "\"" + ""","message":{"lang":"en-US","value":"Fault injected by the test proxy."}}}""";
        var head = string.Create(
            CultureInfo.InvariantCulture,
            $"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8\r\n"
            + $"x-ms-error-code: {code}\r\nx-ms-request-id: {Guid.NewGuid()}\r\nx-ms-version: 2019-02-02\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n");
        return Encoding.UTF8.GetBytes(head + body);
    }

    /// <summary>The proxy's connection to storage for one client connection, reopened when it idled or closed.</summary>
    private sealed class Upstream(IPEndPoint endpoint) : IDisposable
    {
        private TcpClient? _client;
        private MessageReader? _reader;
        private long _lastUsed;

        /// <summary>Sends a request and reads its answer; null when storage cannot be reached or closed without answering.</summary>
        public async Task<HttpMessage?> ExchangeAsync(HttpMessage request, CancellationToken cancellationToken)
        {
            // A reused connection may have been closed by storage just now: one more try on a fresh one, which is safe
            // because nothing of an answer arrived (the request was not processed, or storage would have answered).
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var reused = _client is not null && Environment.TickCount64 - _lastUsed < UpstreamIdleLimit.TotalMilliseconds;
                if (!reused)
                {
                    Close();
                    if (!await ConnectAsync(cancellationToken))
                    {
                        return null;
                    }
                }

                try
                {
                    await _client!.GetStream().WriteAsync(request.Raw, cancellationToken);
                    var response = await _reader!.ReadAsync(request.Method, cancellationToken);
                    while (response is { Status: >= 100 and < 200 })
                    {
                        response = await _reader.ReadAsync(request.Method, cancellationToken);
                    }

                    if (response is null)
                    {
                        Close();
                        if (reused)
                        {
                            continue;
                        }

                        return null;
                    }

                    _lastUsed = Environment.TickCount64;
                    if (response.Closes)
                    {
                        Close();
                    }

                    return response;
                }
                catch (Exception ex) when (ex is IOException or SocketException && reused && !(_reader?.Started ?? false))
                {
                    Close();
                }
                catch (Exception ex) when (ex is IOException or SocketException)
                {
                    Close();
                    return null;
                }
            }

            return null;
        }

        public void Dispose() => Close();

        private async Task<bool> ConnectAsync(CancellationToken cancellationToken)
        {
            var client = new TcpClient { NoDelay = true };
            try
            {
                await client.ConnectAsync(endpoint, cancellationToken);
            }
            catch (SocketException)
            {
                client.Dispose();
                return false;
            }

            _client = client;
            _reader = new MessageReader(client.GetStream());
            return true;
        }

        private void Close()
        {
            _client?.Dispose();
            _client = null;
            _reader = null;
        }
    }

    /// <summary>A whole HTTP/1.1 message: its bytes as received, and what the proxy needs to know about it.</summary>
    private sealed record HttpMessage(byte[] Raw, string Method, string Target, int Status, byte[] Body, bool Closes);

    /// <summary>Reads HTTP/1.1 messages off a stream: head up to the blank line, then a body framed by length, chunks or close.</summary>
    private sealed class MessageReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;

        /// <summary>Whether any byte of the current message has arrived.</summary>
        public bool Started { get; private set; }

        /// <summary>The next message; null when the peer closed cleanly before sending one. <paramref name="requestMethod"/> is set for answers.</summary>
        public async Task<HttpMessage?> ReadAsync(string? requestMethod, CancellationToken cancellationToken)
        {
            Started = false;
            var raw = new MemoryStream();
            var head = await ReadHeadAsync(raw, cancellationToken);
            if (head is null)
            {
                return null;
            }

            var lines = head.Split("\r\n");
            var start = lines[0].Split(' ', 3);
            if (start.Length < 2)
            {
                throw new InvalidDataException($"Not an HTTP/1.1 start line: '{lines[0]}'.");
            }

            var headers = lines.Skip(1)
                .Select(line => line.Split(':', 2))
                .Where(pair => pair.Length == 2)
                .GroupBy(pair => pair[0].Trim(), StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.OrdinalIgnoreCase);
            var isResponse = requestMethod is not null;
            var status = isResponse ? int.Parse(start[1], CultureInfo.InvariantCulture) : 0;
            var closes = headers.TryGetValue("Connection", out var connection) && connection.Contains("close", StringComparison.OrdinalIgnoreCase);
            byte[] body;
            if (isResponse && (status is >= 100 and < 200 or 204 or 304 || requestMethod == "HEAD"))
            {
                body = [];
            }
            else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                body = await ReadChunkedAsync(raw, cancellationToken);
            }
            else if (headers.TryGetValue("Content-Length", out var lengthText))
            {
                body = await ReadExactlyAsync(raw, long.Parse(lengthText, CultureInfo.InvariantCulture), cancellationToken);
            }
            else if (isResponse)
            {
                body = await ReadToEndAsync(raw, cancellationToken);
                closes = true;
            }
            else
            {
                body = [];
            }

            return isResponse
                ? new HttpMessage(raw.ToArray(), requestMethod!, "", status, body, closes)
                : new HttpMessage(raw.ToArray(), start[0], start[1], 0, body, closes);
        }

        private async Task<string?> ReadHeadAsync(MemoryStream raw, CancellationToken cancellationToken)
        {
            var scanned = 0;
            while (true)
            {
                var span = _buffer.AsSpan(_start, _end - _start);
                var end = span[Math.Max(0, scanned - 3)..].IndexOf("\r\n\r\n"u8);
                if (end >= 0)
                {
                    var length = Math.Max(0, scanned - 3) + end + 4;
                    var head = Encoding.ASCII.GetString(_buffer, _start, length - 4);
                    raw.Write(_buffer, _start, length);
                    _start += length;
                    return head;
                }

                scanned = span.Length;
                if (scanned >= MaxHeadBytes || (_start == 0 && _end == _buffer.Length))
                {
                    throw new InvalidDataException("A message head larger than the proxy reads.");
                }

                if (!await FillAsync(cancellationToken))
                {
                    if (_end > _start)
                    {
                        throw new IOException("The peer closed the connection in the middle of a message head.");
                    }

                    return null;
                }
            }
        }

        private async Task<byte[]> ReadExactlyAsync(MemoryStream raw, long length, CancellationToken cancellationToken)
        {
            var body = new MemoryStream();
            while (length > 0)
            {
                if (_end == _start && !await FillAsync(cancellationToken))
                {
                    throw new IOException("The peer closed the connection in the middle of a body.");
                }

                var take = (int)Math.Min(length, _end - _start);
                raw.Write(_buffer, _start, take);
                body.Write(_buffer, _start, take);
                _start += take;
                length -= take;
            }

            return body.ToArray();
        }

        private async Task<byte[]> ReadChunkedAsync(MemoryStream raw, CancellationToken cancellationToken)
        {
            var body = new MemoryStream();
            while (true)
            {
                var sizeLine = await ReadLineAsync(raw, cancellationToken);
                var size = long.Parse(sizeLine.Split(';', 2)[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    // Trailers, up to the blank line.
                    while ((await ReadLineAsync(raw, cancellationToken)).Length > 0)
                    {
                    }

                    return body.ToArray();
                }

                body.Write(await ReadExactlyAsync(raw, size, cancellationToken));
                if ((await ReadLineAsync(raw, cancellationToken)).Length != 0)
                {
                    throw new InvalidDataException("A chunk not followed by CRLF.");
                }
            }
        }

        private async Task<string> ReadLineAsync(MemoryStream raw, CancellationToken cancellationToken)
        {
            while (true)
            {
                var newline = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
                if (newline >= 0)
                {
                    var line = Encoding.ASCII.GetString(_buffer, _start, newline);
                    raw.Write(_buffer, _start, newline + 2);
                    _start += newline + 2;
                    return line;
                }

                if (!await FillAsync(cancellationToken))
                {
                    throw new IOException("The peer closed the connection in the middle of a chunked body.");
                }
            }
        }

        private async Task<byte[]> ReadToEndAsync(MemoryStream raw, CancellationToken cancellationToken)
        {
            var body = new MemoryStream();
            do
            {
                raw.Write(_buffer, _start, _end - _start);
                body.Write(_buffer, _start, _end - _start);
                _start = _end;
            }
            while (await FillAsync(cancellationToken));
            return body.ToArray();
        }

        /// <summary>Reads more bytes into the buffer (compacting it first); false at the end of the stream.</summary>
        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new InvalidDataException("The proxy's read buffer is full.");
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                return false;
            }

            Started = true;
            _end += read;
            return true;
        }
    }
}
