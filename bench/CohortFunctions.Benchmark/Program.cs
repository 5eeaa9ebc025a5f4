using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CohortFunctions.Benchmark;

// bench/run.sh [--smoke] [--cohort N] [--samples N] [--out DIR]   or   bench/run.sh --soak [SECONDS] [--rate N] [--window SECONDS] [--out DIR]
// (bench/run.sh builds everything and installs Azurite first; --help lists the options). See docs/performance.md.
var command = BenchCommand.Create(RunAsync);
var parse = command.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        await Console.Error.WriteLineAsync($"bench: {error.Message}").ConfigureAwait(false);
    }

    await Console.Error.WriteLineAsync("bench: see --help").ConfigureAwait(false);
    return BenchCommand.UsageExitCode;
}

// Ctrl-C ends the process as it always did: the child processes are ended by their own disposal or with it.
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);

static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
{
    var root = RepositoryRoot.Find();
    var settings = BenchCommand.Bind(parse, root);
    if (settings.Soak is { } soak)
    {
        return await SoakRun.RunAsync(root, settings.OutDir, soak).ConfigureAwait(false);
    }

    var plan = settings.Plan!;
    Console.Error.WriteLine($"Benchmark ({settings.Mode}): cohort {plan.CohortSize:N0}, {plan.LatencySamples} samples per latency scenario");
    var environment = await BenchEnvironment.StartAsync(root).ConfigureAwait(false);
    BenchReport report;
    await using (environment.ConfigureAwait(false))
    {
        report = await new BenchRun(environment, plan).RunAsync(settings.Mode).ConfigureAwait(false);
    }

    Directory.CreateDirectory(settings.OutDir);
    var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
    var json = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
    var jsonPath = Path.Combine(settings.OutDir, $"bench-{report.Mode}-{stamp}.json");
    await File.WriteAllTextAsync(jsonPath, json, cancellationToken).ConfigureAwait(false);
    var table = ReportTable.Render(report);
    await File.WriteAllTextAsync(Path.ChangeExtension(jsonPath, ".md"), table, cancellationToken).ConfigureAwait(false);
    Console.WriteLine(table);
    Console.Error.WriteLine($"Results: {jsonPath}");
    return 0;
}
