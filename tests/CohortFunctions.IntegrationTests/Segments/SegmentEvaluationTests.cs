using System.Text.Json.Nodes;

namespace CohortFunctions.IntegrationTests.Segments;

/// <summary>
/// Segments over five overlapping cohorts of 310 users on real storage: every export and size equals the same filter
/// computed over in-memory sets.
/// </summary>
public sealed class SegmentEvaluationTests(SegmentWorldFixture fixture) : IClassFixture<SegmentWorldFixture>
{
    private readonly SegmentWorld _world = fixture.World;

    public static TheoryData<string, string> Filters => new()
    {
        { "includes", Filter.Includes(SegmentWorld.Power).ToJsonString() },
        { "excludes", Filter.Excludes(SegmentWorld.Churn).ToJsonString() },
        { "excludes of the other partner", Filter.Excludes(SegmentWorld.Whales, "mixpanel").ToJsonString() },
        { "A and not B", Filter.And(Filter.Includes(SegmentWorld.Power), Filter.Excludes(SegmentWorld.Churn)).ToJsonString() },
        { "A or B or C", Filter.Or(Filter.Includes(SegmentWorld.Power), Filter.Includes(SegmentWorld.Trial), Filter.Includes(SegmentWorld.Whales, "mixpanel")).ToJsonString() },
        { "A and B and C", Filter.And(Filter.Includes(SegmentWorld.Power), Filter.Includes(SegmentWorld.Churn), Filter.Includes(SegmentWorld.Trial)).ToJsonString() },
        { "not A and not B", Filter.And(Filter.Excludes(SegmentWorld.Power), Filter.Excludes(SegmentWorld.Churn)).ToJsonString() },
        { "not A or not B", Filter.Or(Filter.Excludes(SegmentWorld.Power), Filter.Excludes(SegmentWorld.Trial)).ToJsonString() },
        {
            "(A and not B) or (C and (D or not E))",
            Filter.Or(
                Filter.And(Filter.Includes(SegmentWorld.Power), Filter.Excludes(SegmentWorld.Churn)),
                Filter.And(Filter.Includes(SegmentWorld.Trial), Filter.Or(Filter.Includes(SegmentWorld.Whales, "mixpanel"), Filter.Excludes(SegmentWorld.Power)))).ToJsonString()
        },
        {
            "not (A or B) and (C or D) and not tiny",
            Filter.And(
                Filter.Excludes(SegmentWorld.Tiny),
                Filter.Or(Filter.Includes(SegmentWorld.Trial), Filter.Includes(SegmentWorld.Whales, "mixpanel")),
                Filter.And(Filter.Excludes(SegmentWorld.Power), Filter.Excludes(SegmentWorld.Churn))).ToJsonString()
        },
        { "A and not A", Filter.And(Filter.Includes(SegmentWorld.Churn), Filter.Excludes(SegmentWorld.Churn)).ToJsonString() },
        { "A or not A", Filter.Or(Filter.Includes(SegmentWorld.Churn), Filter.Excludes(SegmentWorld.Churn)).ToJsonString() },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Segment_FilterOverOverlappingCohorts_SizeAndExportEqualTheSetComputation(string name, string filterJson)
    {
        // Arrange
        var filter = JsonNode.Parse(filterJson)!;
        var expected = _world.Expected(filter).Order(StringComparer.Ordinal).ToList();

        // Act
        var created = await _world.Segments.CreateAsync(name, filter);
        var exported = await _world.Segments.WalkAsync(created.SegmentId);

        // Assert
        SegmentApi.AssertNoDuplicates(exported);
        Assert.Equal(expected, exported.Select(SegmentWorld.KeyOf).Order(StringComparer.Ordinal));
        Assert.Equal(expected.Count, created.Size);
        Assert.Equal(expected.Count, (await _world.Segments.GetAsync(created.SegmentId)).Size);
    }

    [Fact]
    public void World_Cohorts_OverlapAndLeaveUsersOut()
    {
        // Assert: the data makes the filters above discriminating.
        var power = _world.Members(SegmentWorld.Power);
        var churn = _world.Members(SegmentWorld.Churn);
        Assert.InRange(power.Count, 100, 160);
        Assert.NotEmpty(power.Intersect(churn));
        Assert.NotEmpty(power.Except(churn));
        Assert.NotEmpty(_world.Universe.Except(power).Except(churn));
        Assert.Contains(_world.Universe, u => u.StartsWith("anon-", StringComparison.Ordinal) && power.Contains(u));
        Assert.Contains(_world.Universe, u => u.StartsWith("anon-", StringComparison.Ordinal) && !power.Contains(u));
    }

    [Fact]
    public async Task Export_IncludesSegment_EqualsTheCohortsMembersWithTheirIdentifiers()
    {
        // Arrange
        var segment = await _world.Segments.CreateAsync("power", Filter.Includes(SegmentWorld.Power));

        // Act
        var exported = await _world.Segments.WalkAsync(segment.SegmentId, limit: 50);

        // Assert: the same users as the cohort's member listing, with external ids and aliases as stored.
        var members = await _world.Amplitude.MembersAsync(SegmentWorld.Power);
        Assert.Equal(members.Select(m => m.UserId).Order(StringComparer.Ordinal), exported.Select(u => u.UserId).Order(StringComparer.Ordinal));
        Assert.Equal(await _world.Amplitude.MemberCountAsync(SegmentWorld.Power), segment.Size);
        var withAlias = exported.First(u => u.ExternalId is { } id && id.EndsWith('0'));
        Assert.Equal([new(withAlias.ExternalId + "@example.com", "email")], withAlias.Aliases);
        Assert.All(exported.Where(u => u.ExternalId is { } id && !id.EndsWith('0')), u => Assert.Empty(u.Aliases));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public async Task Export_SmallPages_EveryUserExactlyOnceAndEqualToOnePage(int limit)
    {
        // Arrange: a compound segment of a few dozen users, so limit 1 still walks every shard boundary.
        var filter = Filter.And(Filter.Includes(SegmentWorld.Churn), Filter.Or(Filter.Includes(SegmentWorld.Trial), Filter.Excludes(SegmentWorld.Power)));
        var segment = await _world.Segments.CreateAsync($"paged {limit}", filter);
        var whole = await _world.Segments.WalkAsync(segment.SegmentId, limit: 1000);

        // Act
        var paged = await _world.Segments.WalkAsync(segment.SegmentId, limit);

        // Assert
        SegmentApi.AssertNoDuplicates(paged);
        Assert.Equal(whole.Select(u => u.UserId), paged.Select(u => u.UserId));
        Assert.Equal(_world.Expected(filter).Order(StringComparer.Ordinal), paged.Select(SegmentWorld.KeyOf).Order(StringComparer.Ordinal));
        Assert.InRange(whole.Count, 20, 120);
    }

    [Fact]
    public async Task Export_LimitSevenOverTheLargestSegment_EveryUserExactlyOnce()
    {
        // Arrange
        var filter = Filter.Or(Filter.Excludes(SegmentWorld.Tiny), Filter.Includes(SegmentWorld.Power));
        var segment = await _world.Segments.CreateAsync("almost everyone", filter);

        // Act
        var paged = await _world.Segments.WalkAsync(segment.SegmentId, limit: 7);

        // Assert
        SegmentApi.AssertNoDuplicates(paged);
        Assert.Equal(_world.Expected(filter).Order(StringComparer.Ordinal), paged.Select(SegmentWorld.KeyOf).Order(StringComparer.Ordinal));
        Assert.Equal(segment.Size, paged.Count);
    }

    [Fact]
    public async Task Export_NoLimit_OnePageOfAtMostAThousand()
    {
        // Arrange
        var segment = await _world.Segments.CreateAsync("everyone but tiny", Filter.Excludes(SegmentWorld.Tiny));

        // Act
        var page = await _world.Segments.UsersPageAsync(segment.SegmentId);

        // Assert
        Assert.Null(page.Continuation);
        Assert.Equal(segment.Size, page.Users.Count);
    }

    [Fact]
    public async Task Segment_RandomFilters_SizeAndExportEqualTheSetComputation()
    {
        // Arrange: seeded random trees of up to four levels over every cohort of both partners.
        var random = new Random(77);
        (string Partner, string Cohort)[] cohorts =
        [
            ("amplitude", SegmentWorld.Power), ("amplitude", SegmentWorld.Churn), ("amplitude", SegmentWorld.Trial),
            ("amplitude", SegmentWorld.Tiny), ("mixpanel", SegmentWorld.Whales),
        ];

        for (var i = 0; i < 12; i++)
        {
            var filter = RandomFilter(random, cohorts, depth: 4);
            var expected = _world.Expected(filter).Order(StringComparer.Ordinal).ToList();

            // Act
            var segment = await _world.Segments.CreateAsync($"random {i}", filter);
            var exported = await _world.Segments.WalkAsync(segment.SegmentId, limit: 100);

            // Assert
            SegmentApi.AssertNoDuplicates(exported);
            Assert.True(expected.SequenceEqual(exported.Select(SegmentWorld.KeyOf).Order(StringComparer.Ordinal)), $"filter {filter.ToJsonString()}");
            Assert.Equal(expected.Count, segment.Size);
        }
    }

    private static JsonNode RandomFilter(Random random, (string Partner, string Cohort)[] cohorts, int depth)
    {
        var (partner, cohort) = cohorts[random.Next(cohorts.Length)];
        return random.Next(depth <= 1 ? 2 : 5) switch
        {
            0 => Filter.Includes(cohort, partner),
            1 => Filter.Excludes(cohort, partner),
            2 or 3 => Filter.And([.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => RandomFilter(random, cohorts, depth - 1))]),
            _ => Filter.Or([.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => RandomFilter(random, cohorts, depth - 1))]),
        };
    }
}
