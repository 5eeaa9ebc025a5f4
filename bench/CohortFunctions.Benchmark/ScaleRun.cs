using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using CohortFunctions.Cohorts;
using CohortFunctions.CohortSync.Members;
using CohortFunctions.CohortSync.State;
using CohortFunctions.CohortSync.Sync;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Benchmark;

/// <summary>
/// The scale run (<c>bench/run.sh --scale</c>), against one app and one Azurite: the user base imported through the
/// users API with <c>cohort-sync users</c>; the initial sync of a cohort of the whole base by cohort-sync; postbacks
/// into it against postbacks into an empty cohort; rounds of churn sent as deltas; a segment of the cohort, its size
/// and its full export. Each is measured against its storage floor in the same run where it has one (docs/performance.md).
/// </summary>
internal sealed class ScaleRun(BenchEnvironment environment, ScalePlan plan, string workDirectory)
{
    private const string Workspace = "bench";

    private const int SenderParallelism = 4;

    private static readonly CohortRef Big = new("amplitude", "big");

    public async Task<ScaleReport> RunAsync(string mode)
    {
        var started = DateTimeOffset.UtcNow;
        var total = Stopwatch.StartNew();
        var key = await environment.CreateKeyAsync(Workspace).ConfigureAwait(false);
        var app = new AppClient(environment.Http, key);
        var workspace = WorkspaceId.Parse(Workspace).TryGetValue(out var ws, out _) ? ws : throw new InvalidOperationException("Bad workspace.");
        var floor = new ScaleFloor(new TableServiceClient(environment.ConnectionString), workspace);
        var cohort = Ids("c", plan.CohortSize);
        var churnPool = Ids("n", plan.ChurnSize);
        var sizePool = Ids("s", plan.SizePoolSize);

        var import = await ImportAsync(floor, [.. cohort, .. churnPool, .. sizePool]).ConfigureAwait(false);
        var state = new InMemorySyncStateStore();
        var sync = await InitialSyncAsync(key, state, cohort).ConfigureAwait(false);
        var size = await SizeAsync(app, sizePool).ConfigureAwait(false);
        var churn = await ChurnAsync(key, state, cohort, churnPool).ConfigureAwait(false);
        var (segment, scans) = await SegmentAsync(app, floor).ConfigureAwait(false);
        Log($"done in {total.Elapsed.TotalMinutes:F1} min; Azurite peak {environment.AzuriteMemory.OverallPeak / 1048576.0:N0} MB");
        return new ScaleReport(
            mode,
            started,
            $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
            plan,
            import,
            sync,
            size,
            churn,
            segment,
            scans,
            environment.Memory.OverallPeak,
            environment.AzuriteMemory.OverallPeak,
            environment.Azurite.WorkingSet,
            total.Elapsed.TotalSeconds);
    }

    /// <summary>The user base through the users API with cohort-sync users, then the same users' floor writes in tables of their own.</summary>
    private async Task<ImportResult> ImportAsync(ScaleFloor floor, List<string> externalIds)
    {
        var file = Path.Combine(workDirectory, "users.csv");
        await File.WriteAllTextAsync(file, "external_id\n" + string.Join('\n', externalIds) + "\n", Encoding.UTF8).ConfigureAwait(false);
        Log($"importing {externalIds.Count:N0} users with cohort-sync users ({SenderParallelism} parallel, {plan.BatchIds:N0} a request)");
        environment.Memory.Reset();
        var wall = Stopwatch.StartNew();
        var summary = await UserBaseImport.ImportAsync(environment.BaseAddress, Workspace, file, workDirectory, plan.BatchIds, SenderParallelism).ConfigureAwait(false);
        wall.Stop();
        var peak = environment.Memory.Peak;
        if (!summary.Succeeded || summary.Created != externalIds.Count)
        {
            throw new InvalidOperationException($"The import did not create every user: {summary.Created:N0} created, {summary.Rejected:N0} rejected, {summary.Malformed:N0} malformed, {summary.FailedBatches} batches failed.");
        }

        Log($"imported in {wall.Elapsed.TotalSeconds:F0} s; storage floor of the import");
        var floorTime = await floor.ImportAsync(externalIds, plan.BatchIds, SenderParallelism).ConfigureAwait(false);
        return new ImportResult(externalIds.Count, summary.Created, summary.Rejected + summary.Malformed, wall.Elapsed.TotalSeconds, floorTime.TotalSeconds, peak);
    }

    private CohortSyncEngine Sender(string key, ISyncStateStore state) => new(
        new CohortSyncOptions
        {
            Endpoint = environment.BaseAddress,
            PartnerApiKey = BenchEnvironment.PartnerApiKey,
            DataImportKey = key,
            CohortId = Big.CohortId,
            CohortName = "Big cohort",
            Parallelism = SenderParallelism,
            BatchSize = plan.BatchIds,
        },
        environment.Http,
        state);

    /// <summary>The whole cohort sent by cohort-sync as a first sync, then the floor of the same work.</summary>
    private async Task<SyncResult> InitialSyncAsync(string key, ISyncStateStore state, List<string> members)
    {
        Log($"initial sync of {members.Count:N0} members with cohort-sync");
        environment.Memory.Reset();
        var cpuBefore = environment.App.CpuTime;
        var wall = Stopwatch.StartNew();
        var summary = await Sender(key, state).SyncAsync(CohortSnapshot.FromIdentifiers(members.Select(MemberIdentifier.UserId))).ConfigureAwait(false);
        wall.Stop();
        var cpu = environment.App.CpuTime - cpuBefore;
        var peak = environment.Memory.Peak;
        if (!summary.Succeeded)
        {
            throw new InvalidOperationException($"The initial sync failed: {summary.FailedBatches} batches failed.");
        }

        Log($"synced in {wall.Elapsed.TotalSeconds:F0} s; storage floor of the initial sync");
        var floor = await StorageFloor.CreateAsync(environment.ConnectionString, Workspace).ConfigureAwait(false);
        var floorTimings = await Measure.EachAsync(
            [.. members.Chunk(plan.BatchIds).Select(chunk => new PostbackBatch("floor-big", chunk, [], []))], SenderParallelism, floor.RunAsync).ConfigureAwait(false);
        await floor.DropAsync().ConfigureAwait(false);
        return new SyncResult(
            members.Count,
            wall.Elapsed.TotalSeconds,
            members.Count / wall.Elapsed.TotalSeconds,
            floorTimings.Wall.TotalSeconds,
            cpu.TotalSeconds / (members.Count / 1000.0),
            peak,
            summary.Succeeded);
    }

    /// <summary>
    /// Postbacks adding a batch of users outside the cohort to the large cohort, and the same batch to an empty one,
    /// interleaved (which goes first alternates); after each, unmeasured, the batch is removed again so that both
    /// cohorts keep their size.
    /// </summary>
    private async Task<ScaleSizeResult> SizeAsync(AppClient app, List<string> pool)
    {
        Log($"size independence: {plan.SizeSamples} postbacks of {plan.BatchIds:N0} ids into each cohort");
        var batches = pool.Chunk(plan.BatchIds).ToList();
        var large = new List<double>();
        var empty = new List<double>();
        for (var i = 0; i < plan.SizeSamples; i++)
        {
            var batch = batches[i % batches.Count];
            foreach (var cohort in i % 2 == 0 ? new[] { Big.CohortId, "empty" } : ["empty", Big.CohortId])
            {
                var watch = Stopwatch.StartNew();
                await app.SendAsync(new PostbackBatch(cohort, batch, [], [])).ConfigureAwait(false);
                (cohort == Big.CohortId ? large : empty).Add(watch.Elapsed.TotalMilliseconds);
                await app.SendAsync(new PostbackBatch(cohort, [], batch, [])).ConfigureAwait(false);
            }
        }

        var (l, e) = (new Timings(large, TimeSpan.Zero), new Timings(empty, TimeSpan.Zero));
        return new ScaleSizeResult(plan.SizeSamples, e.P50, l.P50, e.P99, l.P99, e.Max, l.Max);
    }

    /// <summary>Rounds of churn: a slice of the original members leaves, and the previous round's leavers (first: users outside) enter.</summary>
    private async Task<IReadOnlyList<ChurnRound>> ChurnAsync(string key, ISyncStateStore state, List<string> cohort, List<string> pool)
    {
        var current = new HashSet<string>(cohort, StringComparer.Ordinal);
        var entering = pool;
        var rounds = new List<ChurnRound>();
        for (var round = 1; round <= plan.ChurnRounds; round++)
        {
            var leaving = cohort.GetRange((round - 1) * plan.ChurnSize, plan.ChurnSize);
            current.ExceptWith(leaving);
            current.UnionWith(entering);
            Log($"churn round {round}: {entering.Count:N0} enter, {leaving.Count:N0} leave");
            var wall = Stopwatch.StartNew();
            var summary = await Sender(key, state).SyncAsync(CohortSnapshot.FromIdentifiers(current.Select(MemberIdentifier.UserId))).ConfigureAwait(false);
            wall.Stop();
            if (summary.ToAdd != entering.Count || summary.ToRemove != leaving.Count)
            {
                throw new InvalidOperationException($"Churn round {round} sent {summary.ToAdd} adds and {summary.ToRemove} removes, not a delta of {entering.Count} and {leaving.Count}.");
            }

            rounds.Add(new ChurnRound(round, entering.Count, leaving.Count, wall.Elapsed.TotalSeconds, summary.Succeeded));
            entering = leaving;
        }

        return rounds;
    }

    /// <summary>A segment "includes big": its size and full export (pages of the batch size), then the export's floor and the scan comparisons.</summary>
    private async Task<(ScaleExportResult Export, AzuriteScanResult Scans)> SegmentAsync(AppClient app, ScaleFloor floor)
    {
        Log("segment size and export");
        var createWatch = Stopwatch.StartNew();
        var created = await app.PostJsonAsync($"manage/workspaces/{Workspace}/segments", new
        {
            name = "Big",
            filter = new { includes = new { partner = Big.Partner, cohort_id = Big.CohortId } },
        }).ConfigureAwait(false);
        createWatch.Stop();
        var segmentId = created.GetProperty("segment_id").GetString()!;

        // The size an operator waits for: the saved segment read back with its size (creating it computed one too).
        var sizeWatch = Stopwatch.StartNew();
        var sized = await app.GetJsonAsync($"manage/workspaces/{Workspace}/segments/{segmentId}").ConfigureAwait(false);
        sizeWatch.Stop();

        environment.Memory.Reset();
        var members = new List<(string UserId, string? ExternalId)>();
        var pages = 0;
        var exportWatch = Stopwatch.StartNew();
        string? continuation = null;
        do
        {
            var page = await app.GetJsonAsync(string.Create(CultureInfo.InvariantCulture, $"manage/workspaces/{Workspace}/segments/{segmentId}/users?limit={plan.BatchIds}")
                + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation))).ConfigureAwait(false);
            pages++;
            members.AddRange(page.GetProperty("users").EnumerateArray().Select(u => (u.GetProperty("user_id").GetString()!, u.GetProperty("external_id").GetString())));
            continuation = page.GetProperty("continuation").GetString();
        }
        while (continuation is not null);
        exportWatch.Stop();
        var exportPeak = environment.Memory.Peak;

        Log($"exported {members.Count:N0} users in {exportWatch.Elapsed.TotalSeconds:F0} s; the export's storage floor and Azurite's scans");
        var memberPages = await floor.MemberPagesAsync(Big, plan.BatchIds).ConfigureAwait(false);
        var (countLargeMs, countSmallMs, membershipRows) = await floor.CountQueryAsync(Big).ConfigureAwait(false);
        var exportFloor = await floor.ExportAsync(members, plan.BatchIds).ConfigureAwait(false);
        return (
            new ScaleExportResult(
                sized.GetProperty("size").GetInt64(), sizeWatch.Elapsed.TotalSeconds, createWatch.Elapsed.TotalSeconds, members.Count, exportWatch.Elapsed.TotalSeconds, exportPeak, pages,
                exportFloor.Wall.TotalSeconds, memberPages.TotalSeconds),
            new AzuriteScanResult(membershipRows, countLargeMs, countSmallMs, exportFloor.LargePageMs, exportFloor.SmallPageMs));
    }

    private static List<string> Ids(string prefix, int count) => [.. Enumerable.Range(0, count).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture))];

    private static void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
}
