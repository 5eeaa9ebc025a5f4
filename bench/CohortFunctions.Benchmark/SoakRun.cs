using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace CohortFunctions.Benchmark;

/// <summary>
/// The soak: the app at a steady rate of 1,000-id postbacks for a long time, watched window by window for errors,
/// latency drift and memory growth. Postbacks are sent on a fixed schedule whether or not earlier ones have answered
/// (an open loop), and each latency is counted from the moment its postback was due, so a slowing app shows as
/// growing latency rather than as a quietly lower rate.
/// </summary>
/// <remarks>
/// Every postback is a delta on one slice of 900 users, as an incremental sync sends it: the half of the slice that
/// is out comes in, the half that is in goes out, plus 100 identifiers no user has (from a fixed pool, as the same
/// unknown people recur in real cohorts). Slices take turns, so each slice's answers and the cohort's final count and
/// data points are known exactly, and checked.
/// </remarks>
internal sealed class SoakRun(BenchEnvironment environment, SoakOptions options)
{
    private const string Workspace = "soak";
    private const string Cohort = "soak";
    private const int SliceUsers = 900;
    private const int UnmatchedPerPostback = 100;
    private const int UnmatchedPool = 1000;

    /// <summary>How long before a slice comes round again: far longer than a healthy postback takes.</summary>
    private static readonly TimeSpan SliceReuse = TimeSpan.FromSeconds(30);

    private static readonly JsonSerializerOptions ReportJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly ConcurrentQueue<string> _errorSamples = new();

    /// <summary>The data points of every delta sent, warm-up included: what the app must have counted in the end.</summary>
    private long _expectedDataPoints;

    /// <summary>Starts Azurite and the app, runs the soak, prints the table and writes bench/results/soak-*.json and .md.</summary>
    /// <returns>0 when every criterion passed, 1 otherwise.</returns>
    public static async Task<int> RunAsync(string repositoryRoot, string outDir, SoakOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Log($"Soak: {options.Duration.TotalSeconds:F0} s at {options.Rate:0.##} postbacks/s of 1,000 ids, windows of {options.Window.TotalSeconds:F0} s");
        SoakReport report;
        var environment = await BenchEnvironment.StartAsync(repositoryRoot).ConfigureAwait(false);
        await using (environment.ConfigureAwait(false))
        {
            report = await new SoakRun(environment, options).RunAsync().ConfigureAwait(false);
        }

        Directory.CreateDirectory(outDir);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var jsonPath = Path.Combine(outDir, $"soak-{stamp}.json");
        var json = JsonSerializer.Serialize(report, ReportJson);
        await File.WriteAllTextAsync(jsonPath, json).ConfigureAwait(false);
        var table = SoakTable.Render(report);
        await File.WriteAllTextAsync(Path.ChangeExtension(jsonPath, ".md"), table).ConfigureAwait(false);
        Console.WriteLine(table);
        Console.Error.WriteLine($"Results: {jsonPath}");
        return report.Passed ? 0 : 1;
    }

    private async Task<SoakReport> RunAsync()
    {
        var startedAt = DateTimeOffset.UtcNow;
        var key = await environment.CreateKeyAsync(Workspace).ConfigureAwait(false);
        var app = new AppClient(environment.Http, key);
        var slices = SliceCount();
        var users = Enumerable.Range(0, slices * SliceUsers).Select(i => $"soak-{i}").ToList();
        Log($"seeding {users.Count:N0} users ({slices} slices of {SliceUsers})");
        var seed = Stopwatch.StartNew();
        await Seeder.SeedAsync(environment.ConnectionString, Workspace, users).ConfigureAwait(false);
        seed.Stop();
        Log($"seeded in {seed.Elapsed.TotalSeconds:F0} s");

        // Warm-up, not measured: each slice's first round puts half of it in, so every later postback is a full delta.
        var state = Enumerable.Range(0, slices).Select(s => new Slice(s, users.GetRange(s * SliceUsers, SliceUsers))).ToArray();
        await Measure.EachAsync(state, 2, async slice =>
        {
            var outcome = await SendAsync(key, slice.Next()).ConfigureAwait(false);
            if (outcome.Error is not null)
            {
                throw new InvalidOperationException($"Warm-up postback failed: {outcome.Error}");
            }
        }).ConfigureAwait(false);

        Log("soak started");
        var windows = await SoakAsync(key, state, slices).ConfigureAwait(false);
        var (memberCount, dataPoints) = await FinalCountsAsync(app).ConfigureAwait(false);
        return new SoakReport(
            startedAt,
            $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, load average {LoadAverage()}",
            options.Duration.TotalSeconds,
            options.Rate,
            options.Window.TotalSeconds,
            users.Count,
            seed.Elapsed.TotalSeconds,
            windows,
            [.. _errorSamples.Take(10)],
            slices * (SliceUsers / 2),
            memberCount,
            Interlocked.Read(ref _expectedDataPoints),
            dataPoints);
    }

    /// <summary>Enough slices that none comes round again within <see cref="SliceReuse"/> at this rate.</summary>
    private int SliceCount() => Math.Max(4, (int)Math.Ceiling(options.Rate * SliceReuse.TotalSeconds));

    private async Task<List<SoakWindow>> SoakAsync(string key, Slice[] slices, int sliceCount)
    {
        var windowCount = Math.Max(1, (int)Math.Round(options.Duration / options.Window));
        var total = (int)Math.Floor(options.Duration.TotalSeconds * options.Rate);
        var samples = Enumerable.Range(0, windowCount).Select(_ => new ConcurrentBag<Sample>()).ToArray();
        var inFlight = new Task?[sliceCount];
        var clock = Stopwatch.StartNew();
        var sending = new List<Task>(total);
        var resources = new List<WindowResources>(windowCount);
        var windowEnds = Task.Run(async () =>
        {
            // Memory and CPU are read at each window's end, on the same clock as the schedule. Azurite's CPU tells a
            // slower app from a slower (or starved) storage emulator.
            var (appCpu, azuriteCpu) = (environment.App.CpuTime, environment.Azurite.CpuTime);
            environment.Memory.Reset();
            for (var w = 0; w < windowCount; w++)
            {
                var wait = (options.Window * (w + 1)) - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait).ConfigureAwait(false);
                }

                var (appCpuNow, azuriteCpuNow) = (environment.App.CpuTime, environment.Azurite.CpuTime);
                resources.Add(new WindowResources(
                    environment.App.WorkingSet,
                    environment.Memory.Peak,
                    (appCpuNow - appCpu) / options.Window * 100,
                    environment.Azurite.WorkingSet,
                    (azuriteCpuNow - azuriteCpu) / options.Window * 100));
                (appCpu, azuriteCpu) = (appCpuNow, azuriteCpuNow);
                environment.Memory.Reset();
            }
        });

        var late = 0;
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / options.Rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait).ConfigureAwait(false);
            }

            var index = i % sliceCount;
            if (inFlight[index] is { IsCompleted: false } previous)
            {
                // The slice's last postback has not answered after 30 s: the app is far behind. Wait for it (its
                // delta must land first) and let the latency, counted from the due time, show it.
                late++;
                await previous.ConfigureAwait(false);
            }

            var slice = slices[index];
            var window = Math.Min((int)(due / options.Window), windowCount - 1);
            var batch = slice.Next();
            var number = i;
            var sent = Task.Run(async () =>
            {
                var outcome = await SendAsync(key, batch).ConfigureAwait(false);
                var latency = clock.Elapsed - due;
                samples[window].Add(new Sample(latency.TotalMilliseconds, outcome.Error is null));
                if (outcome.Error is not null)
                {
                    _errorSamples.Enqueue($"postback {number} at {due.TotalSeconds:F0} s: {outcome.Error}");
                }
            });
            inFlight[index] = sent;
            sending.Add(sent);
        }

        await Task.WhenAll(sending).ConfigureAwait(false);
        await windowEnds.ConfigureAwait(false);
        if (late > 0)
        {
            Log($"{late} postbacks waited for their slice's previous postback (over {SliceReuse.TotalSeconds:F0} s behind)");
        }

        return [.. resources.Select((r, w) => SoakWindow.From(w, w * options.Window.TotalSeconds, [.. samples[w]], r))];
    }

    /// <summary>Sends one postback; an error is a failed request, a non-201 answer, or counts other than the slice's delta.</summary>
    private async Task<Outcome> SendAsync(string key, SliceBatch batch)
    {
        Interlocked.Add(ref _expectedDataPoints, batch.Expected.DataPoints);
        try
        {
            using var response = await environment.Http.PostAsJsonAsync(new Uri("partners/amplitude/cohorts/users", UriKind.Relative), new Dictionary<string, object>
            {
                ["partner_api_key"] = BenchEnvironment.PartnerApiKey,
                ["client_secret"] = key,
                ["cohort_id"] = Cohort,
                ["cohort_changes"] = new object[]
                {
                    new Dictionary<string, object> { ["user_ids"] = batch.Adds },
                    new Dictionary<string, object> { ["user_ids"] = batch.Removes, ["should_remove"] = true },
                },
            }).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if ((int)response.StatusCode != 201)
            {
                return new Outcome(null, $"{(int)response.StatusCode}: {text}");
            }

            using var document = JsonDocument.Parse(text);
            var body = document.RootElement;
            var counts = new Counts(
                body.GetProperty("added").GetInt32(),
                body.GetProperty("removed").GetInt32(),
                body.GetProperty("unchanged").GetInt32(),
                body.GetProperty("unmatched").GetInt32(),
                body.GetProperty("data_points").GetInt32());
            return counts == batch.Expected ? new Outcome(counts, null) : new Outcome(counts, $"answered {counts}, expected {batch.Expected}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            return new Outcome(null, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static async Task<(long MemberCount, long DataPoints)> FinalCountsAsync(AppClient app)
    {
        var cohorts = await app.GetJsonAsync($"manage/workspaces/{Workspace}/cohorts").ConfigureAwait(false);
        var cohort = cohorts.GetProperty("cohorts").EnumerateArray().Single(c => c.GetProperty("cohort_id").GetString() == Cohort);
        var dataPoints = await app.GetJsonAsync($"manage/workspaces/{Workspace}/data-points").ConfigureAwait(false);
        return (cohort.GetProperty("member_count").GetInt64(), dataPoints.GetProperty("total").GetInt64());
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");

    private sealed record Outcome(Counts? Counts, string? Error);

    /// <summary>A postback's answer: the app's counts.</summary>
    private readonly record struct Counts(int Added, int Removed, int Unchanged, int Unmatched, int DataPoints);

    private sealed record SliceBatch(IReadOnlyList<string> Adds, IReadOnlyList<string> Removes, Counts Expected);

    /// <summary>A slice of users whose halves swap in and out of the cohort, one round per postback.</summary>
    private sealed class Slice(int index, List<string> users)
    {
        private int _round;

        public SliceBatch Next()
        {
            var half = users.Count / 2;
            var (first, second) = (users.GetRange(0, half), users.GetRange(half, users.Count - half));
            var (incoming, outgoing) = _round % 2 == 0 ? (first, second) : (second, first);
            var offset = (index + _round) * UnmatchedPerPostback;
            var unknown = Enumerable.Range(offset, UnmatchedPerPostback).Select(i => $"nobody-{i % UnmatchedPool}").ToList();

            // The first round's removes are of users who never were members: unchanged.
            var expected = _round == 0
                ? new Counts(half, 0, users.Count - half, UnmatchedPerPostback, half)
                : new Counts(half, users.Count - half, 0, UnmatchedPerPostback, users.Count);
            _round++;
            return new SliceBatch([.. incoming, .. unknown[..(UnmatchedPerPostback / 2)]], [.. outgoing, .. unknown[(UnmatchedPerPostback / 2)..]], expected);
        }
    }
}
