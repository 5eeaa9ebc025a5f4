using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CohortFunctions.IntegrationTests.Infrastructure;

/// <summary>
/// Real table storage for the integration tests: the account named by <see cref="ConnectionStringVariable"/> if it is
/// set, otherwise one in-memory Azurite process for the whole test run, on a free port, installed from the committed
/// lock file if missing. There is no fallback and no skipping: if Azurite cannot start, every test that needs it
/// fails with Azurite's own output.
/// </summary>
/// <remarks>
/// A process-wide singleton because xunit v2 has no assembly fixture. Test classes isolate themselves by table prefix
/// (see <see cref="TestApp"/>), so one Azurite serves all of them in parallel. Azurite is stopped when the test
/// process exits, and by a watchdog when the test host is killed before it can (vstest does that after a run).
/// </remarks>
public static class AzuriteFixture
{
    /// <summary>Set this to run the integration tests against an already running Azurite or a real account.</summary>
    public const string ConnectionStringVariable = "COHORT_TEST_STORAGE_CONNECTION_STRING";

    // The documented development-storage key; Azurite accepts nothing else for devstoreaccount1.
    private const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    // Runs Azurite ($1, with the arguments after $2) for as long as the test process ($2) lives, passing on Azurite's
    // exit code if it stops first. ProcessExit below stops it on a normal exit; this also covers a killed test host.
    private const string Watchdog = """
        executable="$1"; parent="$2"; shift 2
        "$executable" "$@" &
        azurite=$!
        while kill -0 "$parent" 2>/dev/null; do
          if ! kill -0 "$azurite" 2>/dev/null; then wait "$azurite"; exit $?; fi
          sleep 1
        done
        kill "$azurite"
        """;

    private static readonly Lazy<Task<string>> Instance = new(() => Task.Run(StartOrUseConfiguredAsync));

    private static readonly Lazy<Task<string>> FullInstance = new(() => Task.Run(StartFullAsync));

    /// <summary>The connection string of the storage every integration test uses; starts Azurite on first call.</summary>
    public static Task<string> GetConnectionStringAsync() => Instance.Value;

    /// <summary>
    /// Blob, queue and table services of one in-memory Azurite for the whole test run, as the Functions host needs
    /// them (<c>AzureWebJobsStorage</c>: its locks, timer schedules and keys live in blobs); started on first call.
    /// </summary>
    public static Task<string> GetFullConnectionStringAsync() => FullInstance.Value;

    /// <summary>A connection string in Azurite's format for a table endpoint on <paramref name="port"/> of this machine.</summary>
    public static string ConnectionStringFor(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentAccountKey};TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    /// <summary>A TCP port on 127.0.0.1 that nothing listened on a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> StartOrUseConfiguredAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var executable = await EnsureInstalledAsync().ConfigureAwait(false);

        // Another process may take the port between our probe and Azurite's bind: try a fresh port a few times.
        const int Attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartAsync(executable, FreePort()).ConfigureAwait(false);
            }
            catch (AzuriteExitedException) when (attempt < Attempts)
            {
            }
        }
    }

    private static async Task<string> EnsureInstalledAsync()
    {
        var script = Path.Combine(RepositoryRoot.Path, "tools", "azurite", "ensure.sh");
        var (exitCode, stdout, stderr) = await RunAsync("bash", [script], InstallTimeout).ConfigureAwait(false);
        var executable = stdout.Trim().Split('\n').LastOrDefault()?.Trim();
        if (exitCode != 0 || string.IsNullOrEmpty(executable) || !File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed and could not be installed with {script} (exit code {exitCode}).\nstdout:\n{stdout}\nstderr:\n{stderr}");
        }

        return executable;
    }

    /// <summary>
    /// An in-memory Azurite of the caller's own on a free port, for a test that stops and restarts storage (the
    /// shared instance must keep serving every other test). Installed like the shared one; never an external account.
    /// </summary>
    public static async Task<AzuriteInstance> StartPrivateAsync()
    {
        var executable = await EnsureInstalledAsync().ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            try
            {
                var (process, connectionString) = await LaunchAsync(executable, port).ConfigureAwait(false);
                return new AzuriteInstance(executable, port, connectionString, process);
            }
            catch (AzuriteExitedException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task<string> StartAsync(string executable, int port) =>
        (await LaunchAsync(executable, port).ConfigureAwait(false)).ConnectionString;

    private static async Task<string> StartFullAsync()
    {
        // ensure.sh prints azurite-table; the full emulator is its sibling.
        var executable = Path.Combine(Path.GetDirectoryName(await EnsureInstalledAsync().ConfigureAwait(false))!, "azurite");
        for (var attempt = 1; ; attempt++)
        {
            var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
            string[] arguments =
            [
                "--inMemoryPersistence", "--blobHost", "127.0.0.1", "--blobPort", Invariant(blob), "--queueHost", "127.0.0.1",
                "--queuePort", Invariant(queue), "--tableHost", "127.0.0.1", "--tablePort", Invariant(table), "--silent",
                "--disableTelemetry", "--skipApiVersionCheck",
            ];
            try
            {
                await LaunchAsync(executable, arguments, [blob, queue, table]).ConfigureAwait(false);
                return $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentAccountKey};"
                    + $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;"
                    + $"TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
            }
            catch (AzuriteExitedException) when (attempt < 3)
            {
            }
        }
    }

    private static string Invariant(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<(Process Process, string ConnectionString)> LaunchAsync(string executable, int port)
    {
        string[] arguments = ["--inMemoryPersistence", "--tableHost", "127.0.0.1", "--tablePort", Invariant(port), "--silent", "--disableTelemetry"];
        return (await LaunchAsync(executable, arguments, [port]).ConfigureAwait(false), ConnectionStringFor(port));
    }

    private static async Task<Process> LaunchAsync(string executable, string[] arguments, int[] ports)
    {
        var output = new ProcessOutput();
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-c", Watchdog, "azurite-watchdog", executable, Invariant(Environment.ProcessId), .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        output.Attach(process);
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {executable}: {ex.Message}", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(process);

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new AzuriteExitedException(
                    $"Azurite exited with code {process.ExitCode} before opening ports {string.Join(", ", ports)}.\n{output}");
            }

            if (await AllAcceptConnectionsAsync(ports).ConfigureAwait(false))
            {
                return process;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        Stop(process);
        throw new InvalidOperationException($"Azurite did not open ports {string.Join(", ", ports)} within {StartTimeout.TotalSeconds:0} s.\n{output}");
    }

    private static async Task<bool> AllAcceptConnectionsAsync(int[] ports)
    {
        foreach (var port in ports)
        {
            if (!await AcceptsConnectionsAsync(port).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Stops an Azurite started here, and waits until it is gone (its port closed).</summary>
    internal static async Task StopAsync(Process process)
    {
        Stop(process);
        using var timeout = new CancellationTokenSource(StartTimeout);
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Starts Azurite again on a port it used before (in memory: it starts empty).</summary>
    internal static async Task<Process> RestartAsync(string executable, int port)
    {
        // The old process may hold the port for a moment after it exited.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (await LaunchAsync(executable, port).ConfigureAwait(false)).Process;
            }
            catch (AzuriteExitedException) when (attempt < 5)
            {
                await Task.Delay(500).ConfigureAwait(false);
            }
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string fileName, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}.\n{await stderr.ConfigureAwait(false)}");
        }

        return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>Everything a process wrote, kept for the error message if it fails.</summary>
    private sealed class ProcessOutput
    {
        private readonly StringBuilder _text = new();
        private readonly Lock _gate = new();

        public void Attach(Process process)
        {
            process.OutputDataReceived += (_, e) => Append("stdout", e.Data);
            process.ErrorDataReceived += (_, e) => Append("stderr", e.Data);
        }

        public override string ToString()
        {
            lock (_gate)
            {
                return _text.Length == 0 ? "(Azurite wrote nothing)" : _text.ToString();
            }
        }

        private void Append(string stream, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_gate)
            {
                if (_text.Length < 64 * 1024)
                {
                    _text.Append(stream).Append(": ").AppendLine(line);
                }
            }
        }
    }

    private sealed class AzuriteExitedException(string message) : Exception(message);
}

/// <summary>
/// A private in-memory Azurite (<see cref="AzuriteFixture.StartPrivateAsync"/>) that a test can stop and start again on
/// the same port, as storage going away and coming back would look to the app.
/// </summary>
public sealed class AzuriteInstance : IAsyncDisposable
{
    private readonly string _executable;
    private Process? _process;

    internal AzuriteInstance(string executable, int port, string connectionString, Process process)
    {
        _executable = executable;
        Port = port;
        ConnectionString = connectionString;
        _process = process;
    }

    public int Port { get; }

    public string ConnectionString { get; }

    /// <summary>Kills Azurite (everything it held in memory is lost) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            await AzuriteFixture.StopAsync(process);
            process.Dispose();
        }
    }

    /// <summary>Starts Azurite again on the same port, empty.</summary>
    public async Task StartAsync()
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("Azurite is running.");
        }

        _process = await AzuriteFixture.RestartAsync(_executable, Port);
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
