using CohortFunctions.Segments;

namespace CohortFunctions.UnitTests.Segments;

public sealed class SortedStreamsTests
{
    private const int Cases = 400;

    private static double[] Densities { get; } = [0, 0.02, 0.1, 0.5, 0.9, 1];

    [Fact]
    public async Task Union_RandomSortedSets_EqualsLinqUnion()
    {
        // Arrange
        var random = new Random(20240601);
        for (var i = 0; i < Cases; i++)
        {
            var sets = RandomSets(random);

            // Act
            var actual = await SegmentTestData.ToListAsync(SortedStreams.Union([.. sets.Select(s => SegmentTestData.Stream(s))]));

            // Assert
            var expected = sets.SelectMany(s => s).Distinct().Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public async Task Intersect_RandomSortedSets_EqualsLinqIntersect()
    {
        // Arrange
        var random = new Random(20240602);
        for (var i = 0; i < Cases; i++)
        {
            var sets = RandomSets(random);

            // Act
            var actual = await SegmentTestData.ToListAsync(SortedStreams.Intersect([.. sets.Select(s => SegmentTestData.Stream(s))]));

            // Assert
            var expected = sets.Skip(1).Aggregate((IEnumerable<string>)sets[0], (acc, s) => acc.Intersect(s)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public async Task Except_RandomSortedSets_EqualsLinqExcept()
    {
        // Arrange
        var random = new Random(20240603);
        for (var i = 0; i < Cases; i++)
        {
            var universe = Universe(random);
            var kept = SegmentTestData.SortedSubset(random, universe, Densities[random.Next(Densities.Length)]);
            var removed = SegmentTestData.SortedSubset(random, universe, Densities[random.Next(Densities.Length)]);

            // Act
            var actual = await SegmentTestData.ToListAsync(SortedStreams.Except(SegmentTestData.Stream(kept), SegmentTestData.Stream(removed)));

            // Assert
            Assert.Equal(kept.Except(removed).ToList(), actual);
        }
    }

    [Fact]
    public async Task Operations_Composed_EqualLinqOverTheSameSets()
    {
        // Arrange: (A ∪ B) ∩ C \ (D ∪ E), as the evaluator composes them.
        var random = new Random(20240604);
        for (var i = 0; i < Cases; i++)
        {
            var universe = Universe(random);
            var s = Enumerable.Range(0, 5).Select(_ => SegmentTestData.SortedSubset(random, universe, Densities[random.Next(Densities.Length)])).ToArray();

            // Act
            var actual = await SegmentTestData.ToListAsync(SortedStreams.Except(
                SortedStreams.Intersect([SortedStreams.Union([SegmentTestData.Stream(s[0]), SegmentTestData.Stream(s[1])]), SegmentTestData.Stream(s[2])]),
                SortedStreams.Union([SegmentTestData.Stream(s[3]), SegmentTestData.Stream(s[4])])));

            // Assert
            var expected = s[0].Union(s[1]).Intersect(s[2]).Except(s[3].Union(s[4])).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public async Task Union_NoSources_Empty()
    {
        // Act
        var actual = await SegmentTestData.ToListAsync(SortedStreams.Union([]));

        // Assert
        Assert.Empty(actual);
    }

    [Fact]
    public async Task Union_EmptyStreams_Empty()
    {
        // Act
        var actual = await SegmentTestData.ToListAsync(SortedStreams.Union([SegmentTestData.Stream([]), SegmentTestData.Stream([])]));

        // Assert
        Assert.Empty(actual);
    }

    [Fact]
    public async Task Union_OneEmptyStream_TheOther()
    {
        // Act
        var actual = await SegmentTestData.ToListAsync(SortedStreams.Union([SegmentTestData.Stream([]), SegmentTestData.Stream(["a", "b"])]));

        // Assert
        Assert.Equal(["a", "b"], actual);
    }

    [Fact]
    public async Task Intersect_OneEmptyStream_EmptyWithoutReadingTheOthersToTheEnd()
    {
        // Arrange
        var probe = new StreamProbe();
        var large = Enumerable.Range(0, 1000).Select(i => $"u{i:D4}");

        // Act
        var actual = await SegmentTestData.ToListAsync(SortedStreams.Intersect([SegmentTestData.Stream(large, probe), SegmentTestData.Stream([])]));

        // Assert
        Assert.Empty(actual);
        Assert.True(probe.ItemsRead <= 1, $"read {probe.ItemsRead} items of the other stream");
    }

    [Fact]
    public async Task Intersect_SingleSource_ThatSource()
    {
        // Act
        var actual = await SegmentTestData.ToListAsync(SortedStreams.Intersect([SegmentTestData.Stream(["a", "c", "d"])]));

        // Assert
        Assert.Equal(["a", "c", "d"], actual);
    }

    [Fact]
    public async Task Except_EmptySource_Empty()
    {
        // Act
        var actual = await SegmentTestData.ToListAsync(SortedStreams.Except(SegmentTestData.Stream([]), SegmentTestData.Stream(["a"])));

        // Assert
        Assert.Empty(actual);
    }

    [Fact]
    public async Task Except_NothingExcluded_TheSource()
    {
        // Act
        var actual = await SegmentTestData.ToListAsync(SortedStreams.Except(SegmentTestData.Stream(["a", "b"]), SegmentTestData.Stream([])));

        // Assert
        Assert.Equal(["a", "b"], actual);
    }

    [Fact]
    public async Task Except_ExcludedBeyondTheSource_TheSource()
    {
        // Act
        var actual = await SegmentTestData.ToListAsync(SortedStreams.Except(SegmentTestData.Stream(["b", "c"]), SegmentTestData.Stream(["a", "d", "e"])));

        // Assert
        Assert.Equal(["b", "c"], actual);
    }

    [Fact]
    public async Task Union_TakingAFewItems_ReadsOnlyAsFarAsNeededAndDisposesEverySource()
    {
        // Arrange: memory and reads stay bounded by what the caller takes, however long the streams are.
        var probes = new[] { new StreamProbe(), new StreamProbe(), new StreamProbe() };
        var streams = probes.Select((p, s) => SegmentTestData.Stream(Enumerable.Range(0, 100_000).Select(i => $"{i:D6}-{s}"), p)).ToList();
        var taken = new List<string>();

        // Act
        await foreach (var item in SortedStreams.Union(streams))
        {
            taken.Add(item);
            if (taken.Count == 5)
            {
                break;
            }
        }

        // Assert
        Assert.Equal(["000000-0", "000000-1", "000000-2", "000001-0", "000001-1"], taken);
        Assert.All(probes, p => Assert.True(p.ItemsRead <= 3, $"read {p.ItemsRead} items"));
        Assert.All(probes, p => Assert.True(p.WasDisposed));
    }

    [Fact]
    public async Task Except_TakingAFewItems_DisposesBothSources()
    {
        // Arrange
        var (kept, removed) = (new StreamProbe(), new StreamProbe());
        var stream = SortedStreams.Except(
            SegmentTestData.Stream(Enumerable.Range(0, 10_000).Select(i => $"{i:D5}"), kept),
            SegmentTestData.Stream(Enumerable.Range(0, 10_000).Where(i => i % 2 == 0).Select(i => $"{i:D5}"), removed));

        // Act
        var taken = new List<string>();
        await foreach (var item in stream)
        {
            taken.Add(item);
            if (taken.Count == 3)
            {
                break;
            }
        }

        // Assert
        Assert.Equal(["00001", "00003", "00005"], taken);
        Assert.True(kept.WasDisposed);
        Assert.True(removed.WasDisposed);
        Assert.True(kept.ItemsRead < 10, $"read {kept.ItemsRead} items");
    }

    [Fact]
    public async Task Intersect_Cancelled_StopsWithCancellation()
    {
        // Arrange
        using var cancel = new CancellationTokenSource();
        var endless = Enumerable.Range(0, int.MaxValue).Select(i => $"{i:D10}");
        var stream = SortedStreams.Intersect([SegmentTestData.Stream(endless), SegmentTestData.Stream(endless)], cancel.Token);
        var read = 0;

        // Act
        var thrown = await Record.ExceptionAsync(async () =>
        {
            await foreach (var _ in stream)
            {
                if (++read == 10)
                {
                    await cancel.CancelAsync();
                }
            }
        });

        // Assert
        Assert.IsAssignableFrom<OperationCanceledException>(thrown);
        Assert.InRange(read, 10, 11);
    }

    private static List<string> Universe(Random random)
    {
        var size = random.Next(0, 80);
        return [.. Enumerable.Range(0, size).Select(_ => SegmentTestData.UserId(random)).Distinct()];
    }

    /// <summary>One to four sorted sets over one universe, of mixed densities (empty and full included).</summary>
    private static List<List<string>> RandomSets(Random random)
    {
        var universe = Universe(random);
        return [.. Enumerable.Range(0, random.Next(1, 5)).Select(_ => SegmentTestData.SortedSubset(random, universe, Densities[random.Next(Densities.Length)]))];
    }
}
