using System.Diagnostics;
using CohortFunctions.CohortSync.Members;
using CohortFunctions.CohortSync.State;
using CohortFunctions.CohortSync.Sync;

namespace CohortFunctions.Benchmark;

/// <summary>How big a run is.</summary>
internal sealed record BenchPlan(int CohortSize, int LatencySamples, int SizeSamples, int BatchIds)
{
    /// <summary>The full run: a 200,000-member cohort, 50 postbacks of 1,000 ids per latency scenario.</summary>
    public static BenchPlan Full { get; } = new(200_000, 50, 30, 1000);

    /// <summary>Seconds, for CI: that every phase still works, not how fast (postbacks of 100 ids).</summary>
    public static BenchPlan Smoke { get; } = new(1_000, 2, 2, 100);

    public int LatencyUsers => LatencySamples * BatchIds;
}

/// <summary>One latency scenario; a tail percentile is null where the sample count makes it the maximum.</summary>
internal sealed record LatencyResult(string Scenario, int Concurrency, int Postbacks, double P50Ms, double? P95Ms, double? P99Ms, double MaxMs, double AppSeconds, double FloorSeconds, double FloorP50Ms, double? FloorP99Ms)
{
    public double AppOverFloor => FloorSeconds > 0 ? AppSeconds / FloorSeconds : 0;
}

internal sealed record SyncResult(int Members, double Seconds, double IdsPerSecond, double FloorSeconds, double AppCpuSecondsPer1000Ids, long PeakWorkingSetBytes, bool Succeeded)
{
    public double AppOverFloor => FloorSeconds > 0 ? Seconds / FloorSeconds : 0;
}

/// <summary>Postbacks into an empty and into the large cohort; a p99 is null where the sample count makes it the maximum.</summary>
internal sealed record SizeIndependenceResult(double EmptyP50Ms, double LargeP50Ms, double? EmptyP99Ms, double? LargeP99Ms, double EmptyMaxMs, double LargeMaxMs)
{
    public double Ratio => EmptyP50Ms > 0 ? LargeP50Ms / EmptyP50Ms : 0;
}

internal sealed record SegmentResult(
    long Size,
    double SizeSeconds,
    long Exported,
    double ExportSeconds,
    long PeakWorkingSetBytes,
    long CombinedSize,
    double CombinedSizeSeconds,
    long CombinedPeakWorkingSetBytes);

internal sealed record BenchReport(
    string Mode,
    DateTimeOffset StartedAt,
    string Machine,
    int BatchIds,
    double SeedSeconds,
    IReadOnlyList<LatencyResult> Latency,
    SyncResult InitialSync,
    SizeIndependenceResult SizeIndependence,
    SegmentResult Segment,
    long PeakWorkingSetBytes);

/// <summary>The benchmark's phases, in order, against one app and one Azurite.</summary>
internal sealed class BenchRun(BenchEnvironment environment, BenchPlan plan)
{
    private const string Workspace = "bench";

    public async Task<BenchReport> RunAsync(string mode)
    {
        var started = DateTimeOffset.UtcNow;
        var key = await environment.CreateKeyAsync(Workspace).ConfigureAwait(false);
        var app = new AppClient(environment.Http, key);
        var floor = await StorageFloor.CreateAsync(environment.ConnectionString, Workspace).ConfigureAwait(false);

        Log("seeding users");
        var seed = Stopwatch.StartNew();
        var cohortUsers = Enumerable.Range(0, plan.CohortSize).Select(i => $"c{i}").ToList();
        var latencyUsers = Enumerable.Range(0, plan.LatencyUsers).Select(i => $"l{i}").ToList();
        await Seeder.SeedAsync(environment.ConnectionString, Workspace, [.. cohortUsers, .. latencyUsers]).ConfigureAwait(false);
        seed.Stop();
        Log($"seeded {cohortUsers.Count + latencyUsers.Count:N0} users in {seed.Elapsed.TotalSeconds:F0} s");

        var latency = new List<LatencyResult>();
        foreach (var concurrency in new[] { 1, 4 })
        {
            latency.AddRange(await LatencyAsync(app, floor, latencyUsers, concurrency).ConfigureAwait(false));
        }

        var sync = await InitialSyncAsync(key, floor, cohortUsers).ConfigureAwait(false);
        var size = await SizeIndependenceAsync(app, latencyUsers).ConfigureAwait(false);
        var segment = await SegmentAsync(app).ConfigureAwait(false);
        return new BenchReport(
            mode,
            started,
            $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
            plan.BatchIds,
            seed.Elapsed.TotalSeconds,
            latency,
            sync,
            size,
            segment,
            environment.Memory.OverallPeak);
    }

    /// <summary>1,000-id postbacks: all matched adds, then all removes, then a 50/50 mix with 10 % unmatched.</summary>
    private async Task<IReadOnlyList<LatencyResult>> LatencyAsync(AppClient app, StorageFloor floor, List<string> users, int concurrency)
    {
        var cohort = $"latency-{concurrency}";
        var floorCohort = $"floor-latency-{concurrency}";
        var size = plan.BatchIds;
        var (half, mixed, unmatched) = (size / 2, size * 45 / 100, size / 10);
        var batches = Enumerable.Range(0, plan.LatencySamples).Select(i => users.GetRange(i * size, size)).ToList();
        var results = new List<LatencyResult>();

        async Task Scenario(string name, Func<List<string>, string, PostbackBatch> build)
        {
            Log($"latency: {name} at {concurrency} sender(s)");
            var appTimings = await Measure.EachAsync(batches, concurrency, b => app.SendAsync(build(b, cohort))).ConfigureAwait(false);
            var floorTimings = await Measure.EachAsync(batches, concurrency, b => floor.RunAsync(build(b, floorCohort))).ConfigureAwait(false);
            results.Add(new LatencyResult(
                name, concurrency, batches.Count, appTimings.P50, appTimings.P95, appTimings.P99, appTimings.Max,
                appTimings.Wall.TotalSeconds, floorTimings.Wall.TotalSeconds, floorTimings.P50, floorTimings.P99));
        }

        await Scenario("adds", (b, c) => new PostbackBatch(c, b, [], [])).ConfigureAwait(false);
        await Scenario("removes", (b, c) => new PostbackBatch(c, [], b, [])).ConfigureAwait(false);

        // Unmeasured: put the second half of every batch back, so the mix removes real members.
        await Measure.EachAsync(batches, concurrency, b => app.SendAsync(new PostbackBatch(cohort, b.GetRange(half, half), [], []))).ConfigureAwait(false);
        await Measure.EachAsync(batches, concurrency, b => floor.RunAsync(new PostbackBatch(floorCohort, b.GetRange(half, half), [], []))).ConfigureAwait(false);
        var round = 0;
        await Scenario("mix 45/45/10 unmatched", (b, c) => new PostbackBatch(
            c, b.GetRange(0, mixed), b.GetRange(half, mixed), [.. Enumerable.Range(0, unmatched).Select(i => $"nobody-{concurrency}-{b[0]}-{Interlocked.Increment(ref round)}-{i}")])).ConfigureAwait(false);
        return results;
    }

    /// <summary>A cohort pushed by cohort-sync as Amplitude's first sync: the name call, then every member as adds, 4 in parallel.</summary>
    private async Task<SyncResult> InitialSyncAsync(string key, StorageFloor floor, List<string> members)
    {
        Log($"initial sync of {members.Count:N0} members with cohort-sync");
        var engine = new CohortSyncEngine(
            new CohortSyncOptions
            {
                Endpoint = environment.BaseAddress,
                PartnerApiKey = BenchEnvironment.PartnerApiKey,
                DataImportKey = key,
                CohortId = "big",
                CohortName = "Big cohort",
                Parallelism = 4,
                BatchSize = plan.BatchIds,
            },
            environment.Http,
            new InMemorySyncStateStore());
        var snapshot = CohortSnapshot.FromIdentifiers(members.Select(MemberIdentifier.UserId));
        environment.Memory.Reset();
        var cpuBefore = environment.App.CpuTime;
        var wall = Stopwatch.StartNew();
        var summary = await engine.SyncAsync(snapshot).ConfigureAwait(false);
        wall.Stop();
        var cpu = environment.App.CpuTime - cpuBefore;
        var peak = environment.Memory.Peak;
        if (!summary.Succeeded)
        {
            throw new InvalidOperationException($"The initial sync failed: {summary.FailedBatches} batches failed.");
        }

        Log("storage floor of the initial sync");
        var floorBatches = members.Chunk(plan.BatchIds).Select(chunk => new PostbackBatch("floor-big", chunk, [], [])).ToList();
        var floorTimings = await Measure.EachAsync(floorBatches, 4, floor.RunAsync).ConfigureAwait(false);
        return new SyncResult(
            members.Count,
            wall.Elapsed.TotalSeconds,
            members.Count / wall.Elapsed.TotalSeconds,
            floorTimings.Wall.TotalSeconds,
            cpu.TotalSeconds / (members.Count / 1000.0),
            peak,
            summary.Succeeded);
    }

    /// <summary>1,000-id postbacks into empty cohorts against the same into the large one.</summary>
    private async Task<SizeIndependenceResult> SizeIndependenceAsync(AppClient app, List<string> users)
    {
        Log("size independence");
        var batches = Enumerable.Range(0, plan.SizeSamples).Select(i => users.GetRange(i * plan.BatchIds, plan.BatchIds)).ToList();
        var index = 0;
        var empty = await Measure.EachAsync(batches, 1, b => app.SendAsync(new PostbackBatch($"empty-{Interlocked.Increment(ref index)}", b, [], []))).ConfigureAwait(false);
        var large = await Measure.EachAsync(batches, 1, b => app.SendAsync(new PostbackBatch("big", b, [], []))).ConfigureAwait(false);
        return new SizeIndependenceResult(empty.P50, large.P50, empty.P99, large.P99, empty.Max, large.Max);
    }

    /// <summary>A segment "includes big": its size, and a full export walk, with the app's peak memory.</summary>
    private async Task<SegmentResult> SegmentAsync(AppClient app)
    {
        Log("segment size and export");
        environment.Memory.Reset();
        var sizeWatch = Stopwatch.StartNew();
        var created = await app.PostJsonAsync($"manage/workspaces/{Workspace}/segments", new
        {
            name = "Big",
            filter = new { includes = new { partner = "amplitude", cohort_id = "big" } },
        }).ConfigureAwait(false);
        var segmentId = created.GetProperty("segment_id").GetString()!;
        var sized = await app.GetJsonAsync($"manage/workspaces/{Workspace}/segments/{segmentId}").ConfigureAwait(false);
        sizeWatch.Stop();

        var exportWatch = Stopwatch.StartNew();
        long exported = 0;
        string? continuation = null;
        do
        {
            var page = await app.GetJsonAsync($"manage/workspaces/{Workspace}/segments/{segmentId}/users?limit=1000"
                + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation))).ConfigureAwait(false);
            exported += page.GetProperty("users").GetArrayLength();
            continuation = page.GetProperty("continuation").GetString();
        }
        while (continuation is not null);
        exportWatch.Stop();
        var exportPeak = environment.Memory.Peak;

        // A filter that must be walked (no count shortcut): members of big who are not in a latency cohort.
        environment.Memory.Reset();
        var combinedWatch = Stopwatch.StartNew();
        var combined = await app.PostJsonAsync($"manage/workspaces/{Workspace}/segments", new
        {
            name = "Big, not latency",
            filter = new Dictionary<string, object>
            {
                ["and"] = new object[]
                {
                    new { includes = new { partner = "amplitude", cohort_id = "big" } },
                    new { excludes = new { partner = "amplitude", cohort_id = "latency-4" } },
                },
            },
        }).ConfigureAwait(false);
        combinedWatch.Stop();
        return new SegmentResult(
            sized.GetProperty("size").GetInt64(),
            sizeWatch.Elapsed.TotalSeconds,
            exported,
            exportWatch.Elapsed.TotalSeconds,
            exportPeak,
            combined.GetProperty("size").GetInt64(),
            combinedWatch.Elapsed.TotalSeconds,
            environment.Memory.Peak);
    }

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
}
