using CohortFunctions.Cohorts;
using CohortFunctions.Segments;
using CohortFunctions.UnitTests.TestSupport;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.UnitTests.Segments;

public sealed class SegmentEvaluatorTests
{
    private static WorkspaceId Workspace { get; } = TestKeys.Workspace();

    private static CohortRef A { get; } = new("amplitude", "a");
    private static CohortRef B { get; } = new("amplitude", "b");
    private static CohortRef C { get; } = new("mixpanel", "c");
    private static CohortRef D { get; } = new("mixpanel", "d");
    private static CohortRef Empty { get; } = new("amplitude", "empty");

    [Fact]
    public async Task Evaluate_RandomTreesOverOverlappingCohorts_EqualsSetComputation()
    {
        // Arrange
        var random = new Random(8128);
        for (var world = 0; world < 25; world++)
        {
            var source = RandomWorld(random);
            for (var i = 0; i < 40; i++)
            {
                var filter = SegmentTestData.RandomFilter(random, [A, B, C, D, Empty], maxDepth: 4);
                var pageSize = random.Next(1, 6);

                // Act
                var actual = await EvaluateAllShardsAsync(source, filter, pageSize);

                // Assert
                var expected = SegmentTestData.Expected(filter, source.Users, source.Members).Order(StringComparer.Ordinal).ToList();
                Assert.True(expected.SequenceEqual(actual), $"world {world}, case {i}: {SegmentFilterJson.ToJson(filter).ToJsonString()}");
            }
        }
    }

    [Fact]
    public async Task Evaluate_RandomTreesFromAPointInAShard_ReturnsOnlyLaterQualifyingIds()
    {
        // Arrange: resuming after an id, as an export's continuation does.
        var random = new Random(31337);
        var source = RandomWorld(random);
        for (var i = 0; i < 300; i++)
        {
            if (i % 30 == 29)
            {
                source = RandomWorld(random);
            }

            var filter = SegmentTestData.RandomFilter(random, [A, B, C, D], maxDepth: 3);
            var shard = UserId.Shards[random.Next(UserId.ShardCount)];
            var inShard = source.Users.Where(u => u[0] == shard).Order(StringComparer.Ordinal).ToList();
            var after = inShard.Count == 0 ? null : inShard[random.Next(inShard.Count)];
            var evaluator = new SegmentEvaluator(source);

            // Act
            var actual = await SegmentTestData.ToListAsync(evaluator.Evaluate(Workspace, filter, shard, after, pageSize: 2, CancellationToken.None));

            // Assert
            var expected = SegmentTestData.Expected(filter, source.Users, source.Members)
                .Where(u => u[0] == shard && (after is null || string.CompareOrdinal(u, after) > 0))
                .Order(StringComparer.Ordinal)
                .ToList();
            Assert.True(expected.SequenceEqual(actual), $"case {i}: {SegmentFilterJson.ToJson(filter).ToJsonString()} after {after}");
        }
    }

    [Fact]
    public async Task Evaluate_DeeplyNestedMixedTree_EqualsSetComputation()
    {
        // Arrange: (A and not B) or (C and (D or not A) and not (B or ...)) — every operator at several levels.
        var source = RandomWorld(new Random(5));
        SegmentFilter filter = new OrFilter([
            new AndFilter([new IncludesFilter(A), new ExcludesFilter(B)]),
            new AndFilter([
                new IncludesFilter(C),
                new OrFilter([new IncludesFilter(D), new ExcludesFilter(A)]),
                new ExcludesFilter(B),
                new AndFilter([new OrFilter([new ExcludesFilter(D), new IncludesFilter(A)])]),
            ]),
        ]);

        // Act
        var actual = await EvaluateAllShardsAsync(source, filter, pageSize: 3);

        // Assert
        var expected = SegmentTestData.Expected(filter, source.Users, source.Members).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Evaluate_IncludesAndExcludes_NeverReadsEveryUser()
    {
        // Arrange
        var source = RandomWorld(new Random(6));
        SegmentFilter filter = new AndFilter([new IncludesFilter(A), new ExcludesFilter(B), new ExcludesFilter(C)]);

        // Act
        var actual = await EvaluateAllShardsAsync(source, filter, pageSize: 4);

        // Assert
        Assert.Equal(0, source.UniverseReads);
        Assert.Equal(source.Members(A).Except(source.Members(B)).Except(source.Members(C)).Order(StringComparer.Ordinal), actual);
    }

    [Fact]
    public async Task Evaluate_ExcludesAlone_EveryUserOfTheWorkspaceButTheMembers()
    {
        // Arrange: a member who is no user of the workspace (e.g. deleted meanwhile) is in nobody's "excludes".
        var users = new[] { "0aaaaaaaaaaaaaaaaaaa", "1bbbbbbbbbbbbbbbbbbb", "fccccccccccccccccccc" };
        var source = new InMemorySegmentSource(users, new Dictionary<CohortRef, IReadOnlySet<string>>
        {
            [A] = new HashSet<string> { "1bbbbbbbbbbbbbbbbbbb", "2ddddddddddddddddddd" },
        });

        // Act
        var actual = await EvaluateAllShardsAsync(source, new ExcludesFilter(A), pageSize: 1);

        // Assert
        Assert.Equal(["0aaaaaaaaaaaaaaaaaaa", "fccccccccccccccccccc"], actual);
        Assert.True(source.UniverseReads > 0);
    }

    [Fact]
    public async Task Evaluate_AndOfExcludesOnly_UniverseMinusEveryExcludedCohort()
    {
        // Arrange
        var source = RandomWorld(new Random(7));
        SegmentFilter filter = new AndFilter([new ExcludesFilter(A), new ExcludesFilter(B)]);

        // Act
        var actual = await EvaluateAllShardsAsync(source, filter, pageSize: 5);

        // Assert
        Assert.Equal(source.Users.Except(source.Members(A)).Except(source.Members(B)).Order(StringComparer.Ordinal), actual);
    }

    [Fact]
    public async Task Evaluate_SingleChildCombinations_SameAsTheChild()
    {
        // Arrange
        var source = RandomWorld(new Random(8));

        // Act
        var and = await EvaluateAllShardsAsync(source, new AndFilter([new IncludesFilter(B)]), pageSize: 2);
        var or = await EvaluateAllShardsAsync(source, new OrFilter([new OrFilter([new IncludesFilter(B)])]), pageSize: 2);

        // Assert
        var members = source.Members(B).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(members, and);
        Assert.Equal(members, or);
    }

    [Fact]
    public async Task Evaluate_CohortWithoutMembers_IncludesNobodyExcludesNobody()
    {
        // Arrange
        var source = RandomWorld(new Random(9));

        // Act
        var included = await EvaluateAllShardsAsync(source, new IncludesFilter(Empty), pageSize: 10);
        var excluded = await EvaluateAllShardsAsync(source, new ExcludesFilter(Empty), pageSize: 10);

        // Assert
        Assert.Empty(included);
        Assert.Equal(source.Users.Order(StringComparer.Ordinal), excluded);
    }

    [Fact]
    public async Task Evaluate_PageSize_PassedToEveryStream()
    {
        // Arrange
        var source = RandomWorld(new Random(10));
        var evaluator = new SegmentEvaluator(source);
        SegmentFilter filter = new OrFilter([new IncludesFilter(A), new ExcludesFilter(B)]);

        // Act
        await SegmentTestData.ToListAsync(evaluator.Evaluate(Workspace, filter, '3', null, pageSize: 17, CancellationToken.None));

        // Assert
        Assert.NotEmpty(source.PageSizes);
        Assert.All(source.PageSizes, size => Assert.Equal(17, size));
    }

    [Fact]
    public void Evaluate_NullFilter_Throws()
    {
        // Arrange
        var evaluator = new SegmentEvaluator(RandomWorld(new Random(11)));

        // Act + Assert
        Assert.Throws<ArgumentNullException>(() => evaluator.Evaluate(Workspace, null!, '0', null, 10, CancellationToken.None));
    }

    private static async Task<List<string>> EvaluateAllShardsAsync(InMemorySegmentSource source, SegmentFilter filter, int pageSize)
    {
        var evaluator = new SegmentEvaluator(source);
        var all = new List<string>();
        foreach (var shard in UserId.Shards)
        {
            all.AddRange(await SegmentTestData.ToListAsync(evaluator.Evaluate(Workspace, filter, shard, null, pageSize, CancellationToken.None)));
        }

        return all;
    }

    /// <summary>30-90 users over the 16 shards and four overlapping cohorts of mixed sizes (plus an empty one).</summary>
    private static InMemorySegmentSource RandomWorld(Random random)
    {
        var users = Enumerable.Range(0, random.Next(30, 90)).Select(_ => SegmentTestData.UserId(random)).Distinct().ToList();
        var members = new Dictionary<CohortRef, IReadOnlySet<string>>
        {
            [A] = SegmentTestData.SortedSubset(random, users, 0.5).ToHashSet(),
            [B] = SegmentTestData.SortedSubset(random, users, 0.3).ToHashSet(),
            [C] = SegmentTestData.SortedSubset(random, users, 0.7).ToHashSet(),
            [D] = SegmentTestData.SortedSubset(random, users, 0.1).ToHashSet(),
        };
        return new InMemorySegmentSource(users, members);
    }
}
