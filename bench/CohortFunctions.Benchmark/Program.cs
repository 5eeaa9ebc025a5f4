using System.Globalization;
using System.Text.Json;
using CohortFunctions.Benchmark;

// dotnet run --project bench/CohortFunctions.Benchmark -c Release -- [--smoke] [--cohort N] [--samples N] [--out DIR]
//   or -- --soak [SECONDS] [--rate N] [--window SECONDS] [--out DIR]
// (bench/run.sh builds everything and installs Azurite first). See docs/performance.md.
var smoke = args.Contains("--smoke");
var outIndex = Array.IndexOf(args, "--out");
var root = RepositoryRoot.Find();
var outDir = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : Path.Combine(root, "bench", "results");
if (SoakOptions.Parse(args) is { } soak)
{
    return await SoakRun.RunAsync(root, outDir, soak).ConfigureAwait(false);
}

var plan = smoke ? BenchPlan.Smoke : BenchPlan.Full;
if (IntOption("--cohort") is { } cohortSize)
{
    plan = plan with { CohortSize = cohortSize };
}

if (IntOption("--samples") is { } samples)
{
    plan = plan with { LatencySamples = samples, SizeSamples = Math.Min(samples, plan.SizeSamples) };
}

Console.Error.WriteLine($"Benchmark ({(smoke ? "smoke" : "full")}): cohort {plan.CohortSize:N0}, {plan.LatencySamples} samples per latency scenario");
var environment = await BenchEnvironment.StartAsync(root).ConfigureAwait(false);
await using var disposeEnvironment = environment.ConfigureAwait(false);
var report = await new BenchRun(environment, plan).RunAsync(smoke ? "smoke" : plan == BenchPlan.Full ? "full" : "custom").ConfigureAwait(false);

Directory.CreateDirectory(outDir);
var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
var json = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
var jsonPath = Path.Combine(outDir, $"bench-{report.Mode}-{stamp}.json");
await File.WriteAllTextAsync(jsonPath, json).ConfigureAwait(false);
var table = ReportTable.Render(report);
await File.WriteAllTextAsync(Path.ChangeExtension(jsonPath, ".md"), table).ConfigureAwait(false);
Console.WriteLine(table);
Console.Error.WriteLine($"Results: {jsonPath}");
return 0;

int? IntOption(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : null;
}

/// <summary>Where the repository is: the folder with CohortFunctions.sln above the working directory or the binary.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CohortFunctions.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }
}
