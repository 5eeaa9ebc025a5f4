using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace CohortFunctions.IntegrationTests.Faults;

/// <summary>
/// Postbacks while storage misbehaves: errors, dropped connections before and after the write, stalls and delays on a
/// seeded fraction of storage requests. Senders retry each postback on 503, as Amplitude does; the app must answer
/// 201 or 503 in time, and once the retries are through, storage must hold exactly what the senders meant.
/// </summary>
public sealed class PostbackFaultTests(ITestOutputHelper output)
{
    private const string Cohort = "storm";

    [Fact]
    public async Task Postbacks_StorageFaultStorm_Answer201Or503AndConvergeToSequentialModel()
    {
        // Arrange: 4 senders, each with its own 200 users, 10 postbacks each of 100-150 adds and removes.
        const int Seed = 8101, Senders = 4, Postbacks = 10, IdsPerSender = 200;
        await using var faulty = await FaultyApp.StartAsync(Seed, output);
        var api = await CohortApi.StartAsync(faulty.App);
        var ids = Enumerable.Range(0, Senders).Select(s => Enumerable.Range(0, IdsPerSender).Select(i => $"s{s}-u{i:D3}").ToArray()).ToArray();
        await api.CreateUsersAsync([.. ids.SelectMany(x => x)]);
        var plans = ids.Select((range, s) => SenderModel.Plan(api, range, Postbacks, new Random(Seed + s))).ToArray();

        // Act: the storm, then the daily maintenance (also under faults), then calm.
        faulty.Proxy.Plan = FaultPlan.Storm(0.12);
        var storm = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(plans.Select(async plan =>
        {
            foreach (var body in plan.Bodies)
            {
                await faulty.Callers.PostJsonAsync("postback", $"partners/{api.Partner}/cohorts/users", body, HttpStatusCode.Created);
            }
        }));
        var stormCounts = faulty.Proxy.Counts();
        var ledgerBeforeMaintenance = await faulty.Invariants.LedgerTotalAsync(api.Workspace);
        var deltaDataPoints = await faulty.Invariants.DeltaDataPointsAsync(api.Workspace);
        var maintenanceRuns = await FaultyApp.RunMaintenanceAsync(faulty.App);
        storm.Stop();
        faulty.Proxy.Plan = FaultPlan.None;

        // Assert: every kind of fault happened, and storage holds the sequential model's state, counted exactly.
        Assert.All(Enum.GetValues<FaultKind>(), kind => Assert.True(stormCounts.Of(kind) > 0, $"No {kind} was injected: {stormCounts}"));
        var expectedMembers = plans.SelectMany(p => p.FinalMembers).ToList();
        var expectedDataPoints = plans.Sum(p => p.EffectiveChanges);
        var expectedUserIds = await faulty.Invariants.UserIdsOfAsync(api.Workspace, expectedMembers);
        Assert.Equal(expectedDataPoints, deltaDataPoints);
        Assert.True(ledgerBeforeMaintenance <= expectedDataPoints, $"The ledger counted {ledgerBeforeMaintenance} data points for {expectedDataPoints} effective changes.");
        await faulty.Invariants.AssertMembersAsync(api.Workspace, api.Partner, Cohort, expectedUserIds);
        await faulty.Invariants.AssertDataPointsAsync(api.Workspace, expectedDataPoints);
        var direct = await CohortApi.StartAsync(faulty.Direct, workspace: api.Workspace);
        Assert.Equal(expectedMembers.Count, await direct.MemberCountAsync(Cohort));
        Assert.Equal(expectedDataPoints, await direct.DataPointsTotalAsync());

        faulty.Report("postbacks");
        output.WriteLine($"[postbacks] {Senders} senders x {Postbacks} postbacks; {expectedMembers.Count} members, {expectedDataPoints} effective changes; "
            + $"ledger before maintenance {ledgerBeforeMaintenance} ({expectedDataPoints - ledgerBeforeMaintenance} restored by maintenance, {maintenanceRuns} run(s)); storm {storm.Elapsed.TotalSeconds:0} s");
    }

    /// <summary>
    /// One sender's postbacks and what they mean applied in order: its ids are its own, so the final state and the
    /// number of effective changes follow from its sequence alone, whatever the other senders do meanwhile.
    /// </summary>
    private sealed record SenderModel(IReadOnlyList<Dictionary<string, object?>> Bodies, IReadOnlyCollection<string> FinalMembers, long EffectiveChanges)
    {
        public static SenderModel Plan(CohortApi api, string[] ids, int postbacks, Random random)
        {
            var members = new HashSet<string>(StringComparer.Ordinal);
            var bodies = new List<Dictionary<string, object?>>();
            long effective = 0;
            for (var k = 0; k < postbacks; k++)
            {
                var chosen = ids.OrderBy(_ => random.Next()).Take(random.Next(100, 151)).ToList();
                var addShare = k < 3 ? 0.9 : 0.5;
                var adds = chosen.Where(_ => random.NextDouble() < addShare).ToArray();
                var removes = chosen.Except(adds).ToArray();
                effective += adds.Count(members.Add) + removes.Count(members.Remove);
                bodies.Add(api.ChangesBody(Cohort, TestChange.Add(adds), TestChange.Remove(removes)));
            }

            return new SenderModel(bodies, members, effective);
        }
    }
}
