using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace CohortFunctions.Benchmark;

/// <summary>What <c>cohort-sync users --json</c> reported.</summary>
internal sealed record ImportOutcome(bool Succeeded, long Created, long Updated, long Rejected, long Malformed);

/// <summary>
/// Imports the user base through the users API with <c>cohort-sync users</c>, run as the process an operator runs
/// (the benchmark builds cohort-sync as a project reference, so <c>cohort-sync.dll</c> sits next to it): the import is
/// measured, not bypassed, and the importer's own batching, parallelism and retries are what is measured.
/// </summary>
internal static class UserBaseImport
{
    private static string CohortSyncDll => Path.Combine(AppContext.BaseDirectory, "cohort-sync.dll");

    /// <summary>Whether this build's cohort-sync has the <c>users</c> command (its help lists it).</summary>
    public static async Task<bool> IsAvailableAsync()
    {
        var (exitCode, output, _) = await RunAsync(["--help"], TimeSpan.FromMinutes(1)).ConfigureAwait(false);
        return exitCode == 0 && output.Split('\n').Any(line => line.TrimStart().StartsWith("users ", StringComparison.Ordinal));
    }

    /// <summary>Imports <paramref name="file"/> (a CSV with an <c>external_id</c> column) into <paramref name="workspace"/>.</summary>
    public static async Task<ImportOutcome> ImportAsync(Uri endpoint, string workspace, string file, string workDirectory, int batchSize, int parallelism)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var c = CultureInfo.InvariantCulture;
        var (exitCode, output, errors) = await RunAsync(
            [
                "users", "--file", file, "--endpoint", endpoint.ToString().TrimEnd('/'), "--workspace", workspace, "--mapping", "external_id",
                "--state", Path.Combine(workDirectory, "import-state.json"), "--rejects", Path.Combine(workDirectory, "import-rejects.csv"),
                "--restart", "--json", "--batch-size", batchSize.ToString(c), "--parallelism", parallelism.ToString(c),
            ],
            TimeSpan.FromHours(6)).ConfigureAwait(false);

        // 0: imported; 3: imported with rejected or malformed lines (counted below). Anything else stopped the import.
        var summary = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.TrimStart().StartsWith('{'));
        if (exitCode is not (0 or 3) || summary is null)
        {
            throw new InvalidOperationException($"cohort-sync users exited with {exitCode}.\n{output}\n{errors}");
        }

        using var json = JsonDocument.Parse(summary);
        var root = json.RootElement;
        return new ImportOutcome(
            root.GetProperty("succeeded").GetBoolean(),
            root.GetProperty("created").GetInt64(),
            root.GetProperty("updated").GetInt64(),
            root.GetProperty("rejected").GetInt64(),
            root.GetProperty("malformed").GetInt64());
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(CohortSyncDll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start cohort-sync.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"cohort-sync {arguments[0]} did not finish within {timeout}.");
        }

        return (process.ExitCode, await output.ConfigureAwait(false), await errors.ConfigureAwait(false));
    }
}
