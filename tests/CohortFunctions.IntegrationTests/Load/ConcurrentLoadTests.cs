using System.Diagnostics;
using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace CohortFunctions.IntegrationTests.Load;

/// <summary>
/// Many senders at once, sized by <see cref="LoadSize"/>: the results must be exactly those of a sequential model,
/// or, where senders contend for the same ids, those of some serial order.
/// </summary>
[Collection(LoadTestGroup.Name)]
public sealed class ConcurrentLoadTests(LoadAppFixture fixture, ITestOutputHelper output) : IClassFixture<LoadAppFixture>, IAsyncLifetime
{
    private const int UsersPerSender = 1000;
    private const int UnmatchedPerPostback = 20;

    private readonly TestApp _app = fixture.App;
    private readonly HttpClient _senders = fixture.SenderClient;
    private readonly LoadSize _size = LoadSize.FromEnvironment();
    private int _logsBefore;

    public Task InitializeAsync()
    {
        _logsBefore = _app.Logs.Entries.Count;
        return Task.CompletedTask;
    }

    /// <summary>Shows what the app warned about during the test (a 503's cause, say) in the test's output.</summary>
    public Task DisposeAsync()
    {
        foreach (var entry in _app.Logs.Entries.Skip(_logsBefore).Where(e => e.Level >= LogLevel.Warning).Take(10))
        {
            output.WriteLine(entry.AllText());
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task Postbacks_ConcurrentSendersOnOwnRanges_EveryAnswerMembersCountsAndDataPointsEqualSequentialModel()
    {
        // Arrange: 8 senders into cohort "hot", each on its own users; 2 more senders on other cohorts at the same
        // time, on users of the first two: the same users in another cohort ("cold") and in another partner's
        // cohort of the same id (mixpanel "hot").
        var amplitude = await CohortApi.StartAsync(_app);
        var mixpanel = await CohortApi.StartAsync(_app, "mixpanel", amplitude.Workspace);
        var ranges = Enumerable.Range(0, LoadSize.Senders)
            .Select(s => Enumerable.Range(0, UsersPerSender).Select(i => $"s{s}-u{i}").ToArray())
            .ToArray();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(ranges.Select(range => amplitude.CreateUsersAsync(range)));
        output.WriteLine($"{LoadSize.Senders * UsersPerSender:N0} users created in {clock.Elapsed.TotalSeconds:F0} s");
        var senders = ranges
            .Select((range, s) => new Sender($"hot sender {s}", amplitude, "hot", Script(seed: s, range, $"s{s}")))
            .Append(new Sender("cold sender", amplitude, "cold", Script(seed: 100, ranges[0], "cold")))
            .Append(new Sender("mixpanel sender", mixpanel, "hot", Script(seed: 101, ranges[1], "mp")))
            .ToList();

        // Act: every sender sends its postbacks one after another, all senders at once.
        clock.Restart();
        var mismatches = (await Task.WhenAll(senders.Select(RunAsync))).SelectMany(m => m).ToList();
        var ids = senders.Count * _size.PostbacksPerSender * LoadSize.IdsPerPostback;
        output.WriteLine($"{senders.Count} senders x {_size.PostbacksPerSender} postbacks x {LoadSize.IdsPerPostback:N0} ids = {ids:N0} ids in {clock.Elapsed.TotalSeconds:F0} s ({ids / clock.Elapsed.TotalSeconds:N0} ids/s)");

        // Assert
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} answers differ from the sequential model:\n{string.Join('\n', mismatches.Take(20))}");
        var hot = senders.Take(LoadSize.Senders).SelectMany(s => s.Script.FinalMembers).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(hot, await amplitude.MemberExternalIdsAsync("hot"));
        Assert.Equal(hot.Count, await amplitude.MemberCountAsync("hot"));
        foreach (var other in senders.Skip(LoadSize.Senders))
        {
            var expected = other.Script.FinalMembers.Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, await other.Api.MemberExternalIdsAsync(other.Cohort));
            Assert.Equal(expected.Count, await other.Api.MemberCountAsync(other.Cohort));
        }

        Assert.Equal(senders.Sum(s => s.Script.DataPoints), await amplitude.DataPointsTotalAsync());
    }

    [Fact]
    public async Task Postbacks_OverlappingSendersWithConflictingIntents_EveryIdEndsAsASerialOrderLeavesItAndCountsEqualStoredMembers()
    {
        // Arrange: 8 senders on the same users, each postback all-add or all-remove, half of the senders adding
        // while the other half removes. Some users are only ever added, some only ever removed.
        var api = await CohortApi.StartAsync(_app);
        var contended = Enumerable.Range(0, 400).Select(i => $"c{i}").ToArray();
        var addOnly = Enumerable.Range(0, 100).Select(i => $"a{i}").ToArray();
        var removeOnly = Enumerable.Range(0, 100).Select(i => $"r{i}").ToArray();
        string[] everyone = [.. contended, .. addOnly, .. removeOnly];
        await api.CreateUsersAsync(everyone);
        var clock = Stopwatch.StartNew();
        var random = new Random(7);
        var plans = Enumerable.Range(0, LoadSize.Senders).Select(s => Enumerable.Range(0, _size.PostbacksPerSender).Select(k =>
        {
            var add = (s + k) % 2 == 0;
            string[] ids = [.. Sample(random, contended, 240), .. Sample(random, add ? addOnly : removeOnly, 50)];
            random.Shuffle(ids);
            return (Add: add, Ids: ids);
        }).ToList()).ToList();

        // Act
        var applied = (await Task.WhenAll(plans.Select(async plan =>
        {
            var done = new List<AppliedPostback>();
            foreach (var (add, ids) in plan)
            {
                var started = Stopwatch.GetTimestamp();
                var counts = await SendAsync(api, "contended", add ? TestChange.Add(ids) : TestChange.Remove(ids));
                done.Add(new AppliedPostback(add, ids, started, Stopwatch.GetTimestamp(), counts));
            }

            return done;
        }))).SelectMany(d => d).ToList();
        output.WriteLine($"{applied.Count} contending postbacks of {applied.Sum(p => p.Ids.Length):N0} ids in {clock.Elapsed.TotalSeconds:F0} s");

        // Assert: every answer accounts for each of its users once, and an all-add postback never removes (nor the reverse).
        Assert.All(applied, p => Assert.Equal((p.Ids.Length, 0), (p.Counts.Added + p.Counts.Removed + p.Counts.Unchanged, p.Counts.Unmatched)));
        Assert.All(applied, p => Assert.Equal(0, p.Add ? p.Counts.Removed : p.Counts.Added));

        // Each user's final state is the intent of a postback that no other postback naming the user provably
        // followed (sent after its answer came back): the last one applied for it in some serial order.
        var members = await api.MembersAsync("contended");
        var memberIds = members.Select(m => m.ExternalId ?? "").ToHashSet(StringComparer.Ordinal);
        var naming = everyone.ToDictionary(id => id, _ => new List<AppliedPostback>(), StringComparer.Ordinal);
        foreach (var postback in applied)
        {
            foreach (var id in postback.Ids)
            {
                naming[id].Add(postback);
            }
        }

        var violations = everyone.Where(id =>
        {
            var last = naming[id].Where(p => !naming[id].Exists(later => later.Started > p.Answered)).Select(p => p.Add).ToHashSet();
            return !(last.Count == 0 ? !memberIds.Contains(id) : last.Contains(memberIds.Contains(id)));
        }).ToList();
        Assert.True(violations.Count == 0, $"No serial order leaves these users as they are: {string.Join(", ", violations.Take(20))}");
        Assert.Empty(memberIds.Intersect(removeOnly));

        // The counts are those of the rows actually stored, and every data point is an effective change answered.
        Assert.Equal(members.Count, members.Select(m => m.UserId).Distinct().Count());
        Assert.Equal(members.Count, await api.MemberCountAsync("contended"));
        Assert.Equal(members.Count, applied.Sum(p => p.Counts.Added - p.Counts.Removed));
        var dataPoints = applied.Sum(p => (long)p.Counts.DataPoints);
        Assert.Equal(applied.Sum(p => (long)p.Counts.Added + p.Counts.Removed), dataPoints);
        Assert.Equal(dataPoints, await api.DataPointsTotalAsync());

        // Settling everyone in one more add agrees with the stored state: exactly the non-members are added.
        var settle = await SendAsync(api, "contended", TestChange.Add(everyone));
        Assert.Equal(new PostbackCounts(everyone.Length - members.Count, 0, members.Count, 0, everyone.Length - members.Count), settle);
        Assert.Equal(everyone.Length, await api.MemberCountAsync("contended"));
        Assert.Equal(everyone.Order(StringComparer.Ordinal), await api.MemberExternalIdsAsync("contended"));
        Assert.Equal(dataPoints + settle.DataPoints, await api.DataPointsTotalAsync());
    }

    private SenderScript Script(int seed, string[] users, string unknownPrefix) => SenderScript.Generate(
        seed,
        users,
        [.. Enumerable.Range(0, 2 * UnmatchedPerPostback).Select(i => $"{unknownPrefix}-nobody-{i}")],
        _size.PostbacksPerSender,
        LoadSize.IdsPerPostback,
        UnmatchedPerPostback);

    /// <summary>Sends a sender's postbacks in order; returns the answers that differ from its model.</summary>
    private async Task<List<string>> RunAsync(Sender sender)
    {
        var mismatches = new List<string>();
        for (var k = 0; k < sender.Script.Postbacks.Count; k++)
        {
            var postback = sender.Script.Postbacks[k];
            var counts = await SendAsync(sender.Api, sender.Cohort, postback.Changes);
            if (counts != postback.Expected)
            {
                mismatches.Add($"{sender.Name}, postback {k}: expected {postback.Expected}, got {counts}");
            }
        }

        return mismatches;
    }

    /// <summary>A users postback through the patient client; anything but 201 fails the test with the app's answer.</summary>
    private async Task<PostbackCounts> SendAsync(CohortApi api, string cohortId, params TestChange[] changes)
    {
        using var response = await _senders.PostAsync(
            new Uri($"partners/{api.Partner}/cohorts/users", UriKind.Relative),
            TestJson.Body(api.ChangesBody(cohortId, changes)));
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.Created);
        return PostbackCounts.From(await response.ReadJsonAsync());
    }

    private static string[] Sample(Random random, string[] from, int count)
    {
        var copy = from.ToArray();
        random.Shuffle(copy);
        return copy[..count];
    }

    private sealed record Sender(string Name, CohortApi Api, string Cohort, SenderScript Script);

    /// <summary>A postback as sent and answered, with when it was sent and when its answer arrived (Stopwatch ticks).</summary>
    private sealed record AppliedPostback(bool Add, string[] Ids, long Started, long Answered, PostbackCounts Counts);
}
