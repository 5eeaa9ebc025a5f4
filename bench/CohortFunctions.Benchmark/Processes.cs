using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CohortFunctions.Benchmark;

/// <summary>A child process the benchmark started and stops: Azurite, or the app.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    /// <summary>Children still running; killed if the benchmark itself is stopped (SIGTERM, Ctrl-C) before it disposes them.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Process> Running = new();

    static ChildProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Running.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }
    };

    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        Running[process.Id] = process;
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>CPU time the process has used so far (user + system).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Resident memory now, from /proc (bytes).</summary>
    public long WorkingSet => ReadStatusKb("VmRSS") * 1024;

    public bool HasExited => _process.HasExited;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGINT first (Azurite saves and the app shuts down cleanly), then kill.
            using (var signal = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await signal.WaitForExitAsync().ConfigureAwait(false);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        Running.TryRemove(_process.Id, out _);
        _process.Dispose();
    }

    private long ReadStatusKb(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 1_000_000)
            {
                _output.AppendLine(line);
            }
        }
    }
}

/// <summary>Ports and waiting.</summary>
internal static class Net
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitForPortAsync(int port, TimeSpan timeout, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException($"Port {port} did not open within {timeout.TotalSeconds} s.\n{diagnostics()}");
    }
}

/// <summary>Samples a process's resident memory in the background and keeps the peak of a phase.</summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;
    private long _overall;

    public MemorySampler(ChildProcess process)
    {
        _process = process;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Sample();
                try
                {
                    await Task.Delay(50, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
    }

    /// <summary>The highest resident memory seen since the last <see cref="Reset"/>.</summary>
    public long Peak
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peak);
        }
    }

    /// <summary>The highest resident memory seen since the sampler started.</summary>
    public long OverallPeak
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _overall);
        }
    }

    public void Reset() => Interlocked.Exchange(ref _peak, _process.WorkingSet);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private void Sample()
    {
        var now = _process.WorkingSet;
        Raise(ref _peak, now);
        Raise(ref _overall, now);
    }

    private static void Raise(ref long peak, long value)
    {
        long seen;
        do
        {
            seen = Interlocked.Read(ref peak);
        }
        while (value > seen && Interlocked.CompareExchange(ref peak, value, seen) != seen);
    }
}
