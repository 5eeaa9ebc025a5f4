using System.Diagnostics;
using System.Reflection;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.RealHost;

/// <summary>
/// How to start the real Azure Functions host over the app's build output: the host built from source in
/// <c>../shared/functions-host</c> (<c>run-host.sh APP_DIR PORT</c>), a script of the same shape named by
/// <see cref="HostVariable"/>, or Functions Core Tools (<c>func host start --enableAuth</c>) where it is installed.
/// </summary>
public sealed record FunctionsHostLauncher(string Description, string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory)
{
    /// <summary>A script that runs a Functions host as <c>SCRIPT APP_DIR PORT</c>, or <c>func</c> for Core Tools.</summary>
    public const string HostVariable = "COHORT_FUNCTIONS_HOST";

    /// <summary>The Functions project's build output of this configuration: what the host loads (<c>functions.metadata</c>).</summary>
    public static string AppDirectory
    {
        get
        {
            var configuration = typeof(FunctionsHostLauncher).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            var framework = new DirectoryInfo(AppContext.BaseDirectory).Name;
            var directory = Path.Combine(RepositoryRoot.Path, "src", "CohortFunctions.Functions", "bin", configuration, framework);
            return File.Exists(Path.Combine(directory, "functions.metadata"))
                ? directory
                : throw new InvalidOperationException($"No functions.metadata in {directory}: build the solution ({configuration}) first.");
        }
    }

    /// <summary>The shared host's launcher beside the repository, where the team keeps it.</summary>
    public static string SharedHostScript => Path.GetFullPath(Path.Combine(RepositoryRoot.Path, "..", "shared", "functions-host", "run-host.sh"));

    /// <summary>The launcher for <paramref name="port"/>, or an exception that says how to get one.</summary>
    public static FunctionsHostLauncher For(int port)
    {
        var app = AppDirectory;
        var portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var configured = Environment.GetEnvironmentVariable(HostVariable);
        if (configured == "func" || (string.IsNullOrEmpty(configured) && !File.Exists(SharedHostScript) && IsOnPath("func")))
        {
            // Core Tools runs the host over the build output; --enableAuth makes it check function keys as Azure does.
            return new("Functions Core Tools (func host start)", "func", ["host", "start", "--port", portText, "--enableAuth"], app);
        }

        var script = string.IsNullOrEmpty(configured) ? SharedHostScript : Path.GetFullPath(configured);
        return File.Exists(script)
            ? new($"the Functions host at {script}", "bash", [script, app, portText], app)
            : throw new InvalidOperationException(
                $"No Azure Functions host to run the real-host tests: neither {SharedHostScript} nor Functions Core Tools ('func') "
                + $"is here. Set {HostVariable} to a run-host.sh of the host, or to 'func', or run ./test.sh, which says when it skips them.");
    }

    private static bool IsOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));

    /// <summary>A process start for this launcher, with exactly <paramref name="environment"/> added to a cleaned environment.</summary>
    internal ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = WorkingDirectory,
        };

        // Runs the host for as long as the test process lives; on TERM it stops the host and waits (the host drains).
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("""
            parent="$1"; shift
            "$@" &
            host=$!
            trap 'kill -TERM "$host" 2>/dev/null; wait "$host"; exit 0' TERM
            while kill -0 "$parent" 2>/dev/null; do
              if ! kill -0 "$host" 2>/dev/null; then wait "$host"; exit $?; fi
              sleep 1
            done
            kill -TERM "$host"; wait "$host"
            """);
        start.ArgumentList.Add("functions-host-watchdog");
        start.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(FileName);
        foreach (var argument in Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing of the machine's own app settings may reach the app: only what the test sets.
        foreach (var name in start.Environment.Keys.Where(IsAppSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private static bool IsAppSetting(string name) =>
        name.Contains("__", StringComparison.Ordinal)
        || name.StartsWith("AzureWebJobs", StringComparison.OrdinalIgnoreCase)
        || (name.StartsWith("FUNCTIONS_", StringComparison.OrdinalIgnoreCase) && name != "FUNCTIONS_HOST_CACHE")
        || name.StartsWith("AZURE_FUNCTIONS", StringComparison.OrdinalIgnoreCase)
        || name is "ResyncSchedule" or "MaintenanceSchedule" or "ASPNETCORE_URLS";
}
