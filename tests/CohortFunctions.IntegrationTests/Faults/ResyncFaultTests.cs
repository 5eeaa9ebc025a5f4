using System.Net;
using System.Text.Json;
using CohortFunctions.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace CohortFunctions.IntegrationTests.Faults;

/// <summary>
/// Deferred matching while storage misbehaves: postbacks name users that do not exist yet, the users are created,
/// and resync passes (the manual endpoint and the timer, overlapping) apply the pending identifiers — each exactly once,
/// however often a pass dies half-way and is resumed.
/// </summary>
public sealed class ResyncFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Resync_StorageFaultStorm_AppliesEveryPendingIdentifierExactlyOnce()
    {
        // Arrange: 3 senders, each with a cohort of its own, 40 users that exist and 80 that do not exist yet.
        const int Seed = 8301, Senders = 3, Postbacks = 6;
        var clock = new ShiftedTime();
        await using var faulty = await FaultyApp.StartAsync(Seed, output, b => b.UseTime(clock));
        var api = await CohortApi.StartAsync(faulty.App);
        var senders = Enumerable.Range(0, Senders).Select(s => new SenderIds(
            $"late-{s}",
            [.. Enumerable.Range(0, 40).Select(i => $"e{s}-{i:D2}")],
            [.. Enumerable.Range(0, 80).Select(i => $"l{s}-{i:D2}")])).ToArray();
        await api.CreateUsersAsync([.. senders.SelectMany(s => s.Existing)]);
        var models = senders.Select((s, i) => LateModel.Plan(api, s, Postbacks, new Random(Seed + i))).ToArray();
        faulty.Proxy.Plan = FaultPlan.Storm(0.12);
        var storm = System.Diagnostics.Stopwatch.StartNew();

        // Act 1: the postbacks (late users unmatched, kept pending), then the late users are created.
        await Task.WhenAll(models.Select(async model =>
        {
            foreach (var body in model.Bodies)
            {
                await faulty.Callers.PostJsonAsync("postback", $"partners/{api.Partner}/cohorts/users", body, HttpStatusCode.Created);
            }
        }));
        foreach (var chunk in senders.SelectMany(s => s.Late).Chunk(60))
        {
            var created = await faulty.Callers.PostJsonAsync(
                "create users", $"manage/workspaces/{api.Workspace}/users", new { users = chunk.Select(id => new { external_id = id }).ToList() }, HttpStatusCode.OK);
            Assert.True(created.GetProperty("errors").GetArrayLength() == 0, $"Users were rejected: {created}");
        }

        // Act 2: an hour later the cohorts are due: operators ask for passes while the timer runs them too.
        clock.Offset = TimeSpan.FromHours(2);
        var timerRuns = 0;
        var timerFailures = 0;
        var operators = senders.Select(s => ResyncUntilCompleteAsync(faulty, api, s.Cohort));
        var timer = Task.Run(async () =>
        {
            for (var run = 0; run < 4; run++)
            {
                timerRuns++;
                timerFailures += await faulty.RunResyncTimerAsync() ? 1 : 0;
            }
        });
        await Task.WhenAll([.. operators, timer]);
        var maintenanceRuns = await FaultyApp.RunMaintenanceAsync(faulty.App);
        storm.Stop();
        var stormCounts = faulty.Proxy.Counts();
        faulty.Proxy.Plan = FaultPlan.None;

        // Assert: each cohort holds what its sender meant once every user exists; nothing both applied and pending.
        Assert.True(stormCounts.Injected > 0);
        foreach (var model in models)
        {
            var expected = await faulty.Invariants.UserIdsOfAsync(api.Workspace, model.FinalMembers);
            await faulty.Invariants.AssertMembersAsync(api.Workspace, api.Partner, model.Cohort, expected);
            await faulty.Invariants.AssertNothingPendingMatchesAsync(api.Workspace, api.Partner, model.Cohort);
        }

        var expectedDataPoints = models.Sum(m => m.EffectiveChanges);
        await faulty.Invariants.AssertDataPointsAsync(api.Workspace, expectedDataPoints);
        // The direct instance keeps the real clock while the resync's data points fell on the shifted one's day
        // (tomorrow, when this runs after 22:00 UTC): ask for the range ending there.
        var direct = await CohortApi.StartAsync(faulty.Direct, workspace: api.Workspace);
        Assert.Equal(expectedDataPoints, await direct.DataPointsTotalAsync(to: DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)));
        foreach (var model in models)
        {
            Assert.Equal(model.FinalMembers.Count, await direct.MemberCountAsync(model.Cohort));
        }

        faulty.Report("resync");
        output.WriteLine($"[resync] {Senders} senders x {Postbacks} postbacks; {models.Sum(m => m.AppliedLater)} identifiers applied by resync, {expectedDataPoints} effective changes; "
            + $"timer runs {timerRuns} ({timerFailures} cut short by storage), maintenance runs {maintenanceRuns}; storm {storm.Elapsed.TotalSeconds:0} s");
    }

    /// <summary>
    /// Asks for a pass until one completes: after a 503 (storage) at once, after a 409 (another pass holds the cohort)
    /// a second later — for as long as a lease can outlive a run that lost it (the request budget plus a minute).
    /// </summary>
    private static async Task ResyncUntilCompleteAsync(FaultyApp faulty, CohortApi api, string cohort)
    {
        var busyUntil = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var (status, body) = await faulty.Callers.SendAsync(
                "resync",
                () => new HttpRequestMessage(HttpMethod.Post, new Uri($"manage/workspaces/{api.Workspace}/cohorts/{api.Partner}/{cohort}/resync", UriKind.Relative)),
                HttpStatusCode.OK,
                handBack: [HttpStatusCode.Conflict]);
            if (status == HttpStatusCode.Conflict)
            {
                Assert.True(DateTimeOffset.UtcNow < busyUntil, $"The resync of {cohort} stayed busy (409) for longer than any lease lasts.");
                await Task.Delay(TimeSpan.FromSeconds(1));
                continue;
            }

            using var json = JsonDocument.Parse(body);
            if (json.RootElement.GetProperty("complete").GetBoolean())
            {
                return;
            }
        }
    }

    private sealed record SenderIds(string Cohort, string[] Existing, string[] Late);

    /// <summary>
    /// One sender's postbacks to its own cohort and what they mean once every user exists: existing users change with
    /// each postback; for a late user the last intent a postback named wins, applied by resync (a remove of a
    /// non-member changes nothing).
    /// </summary>
    private sealed record LateModel(
        string Cohort, IReadOnlyList<Dictionary<string, object?>> Bodies, IReadOnlyCollection<string> FinalMembers, long EffectiveChanges, int AppliedLater)
    {
        public static LateModel Plan(CohortApi api, SenderIds ids, int postbacks, Random random)
        {
            var members = new HashSet<string>(StringComparer.Ordinal);
            var lateIntent = new Dictionary<string, bool>(StringComparer.Ordinal);
            var bodies = new List<Dictionary<string, object?>>();
            long effective = 0;
            for (var k = 0; k < postbacks; k++)
            {
                var existing = ids.Existing.OrderBy(_ => random.Next()).Take(random.Next(15, 35)).ToList();
                var late = ids.Late.OrderBy(_ => random.Next()).Take(random.Next(20, 50)).ToList();
                var addShare = k == 0 ? 0.9 : 0.6;
                var adds = existing.Concat(late).Where(_ => random.NextDouble() < addShare).ToArray();
                var removes = existing.Concat(late).Except(adds).ToArray();
                effective += adds.Count(id => existing.Contains(id) && members.Add(id)) + removes.Count(id => existing.Contains(id) && members.Remove(id));
                foreach (var id in late)
                {
                    lateIntent[id] = adds.Contains(id);
                }

                bodies.Add(api.ChangesBody(ids.Cohort, TestChange.Add(adds), TestChange.Remove(removes)));
            }

            var appliedLater = lateIntent.Count(i => i.Value);
            members.UnionWith(lateIntent.Where(i => i.Value).Select(i => i.Key));
            return new LateModel(ids.Cohort, bodies, members, effective + appliedLater, appliedLater);
        }
    }

    /// <summary>The real clock moved by <see cref="Offset"/>, so cohorts fall due without waiting an hour.</summary>
    private sealed class ShiftedTime : TimeProvider
    {
        private long _offsetTicks;

        public TimeSpan Offset
        {
            get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
            set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
        }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
    }
}
