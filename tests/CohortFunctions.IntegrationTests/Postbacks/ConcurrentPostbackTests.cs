using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Postbacks;

/// <summary>Concurrent postbacks into one cohort: members, member_count and data points equal a sequential model.</summary>
public sealed class ConcurrentPostbackTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task ConcurrentSenders_DisjointRanges_FinalStateEqualsSequentialModel()
    {
        // Arrange: 6 senders, each adding then partly removing its own range of 300 users, all at once.
        var api = await CohortApi.StartAsync(_app);
        var senders = Enumerable.Range(0, 6).Select(s => Enumerable.Range(0, 300).Select(i => $"s{s}-u{i}").ToArray()).ToArray();
        await api.CreateUsersAsync([.. senders.SelectMany(ids => ids)]);

        // Act
        var results = await Task.WhenAll(senders.Select(async ids =>
        {
            var add = await api.SendChangesAsync("hot", TestChange.Add(ids));
            var remove = await api.SendChangesAsync("hot", TestChange.Remove(ids[..100]));
            var retry = await api.SendChangesAsync("hot", TestChange.Add(ids[100..]));
            return add.DataPoints + remove.DataPoints + retry.DataPoints;
        }));

        // Assert
        var expected = senders.SelectMany(ids => ids[100..]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, await api.MemberExternalIdsAsync("hot"));
        Assert.Equal(expected.Count, await api.MemberCountAsync("hot"));
        Assert.Equal(6 * (300 + 100), results.Sum());
        Assert.Equal(6 * (300 + 100), await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task ConcurrentSenders_ConflictingIntentsOnSameIds_CountsEqualStoredMembers()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        var ids = Enumerable.Range(0, 200).Select(i => $"u{i}").ToArray();
        await api.CreateUsersAsync(ids);

        // Act: adds and removes of the same ids race each other.
        var counts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            api.SendChangesAsync("contended", i % 2 == 0 ? TestChange.Add(ids) : TestChange.Remove(ids))));

        // Assert: whatever the interleaving, each id is in or out, counts match the rows, and every data point is a real flip.
        var members = await api.MembersAsync("contended");
        Assert.Equal(members.Count, await api.MemberCountAsync("contended"));
        Assert.Equal(members.Count, members.Select(m => m.UserId).Distinct().Count());
        var added = counts.Sum(c => c.Added);
        var removed = counts.Sum(c => c.Removed);
        Assert.Equal(members.Count, added - removed);
        Assert.Equal(added + removed, await api.DataPointsTotalAsync());
        Assert.All(counts, c => Assert.Equal(ids.Length, c.Added + c.Removed + c.Unchanged));
    }
}
