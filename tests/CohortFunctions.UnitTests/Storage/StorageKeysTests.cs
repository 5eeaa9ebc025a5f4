using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.Storage;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.UnitTests.Storage;

/// <summary>
/// The key layout: identifiers of different kinds never share a partition, every tenant key starts with its
/// workspace, and worst-case inputs stay within the 512-character key limit (Azurite's; Azure allows 1 KiB).
/// </summary>
public sealed class StorageKeysTests
{
    private const int MaxKeyLength = 512;

    private static readonly WorkspaceId WorkspaceValue = Workspace("acme");
    private static readonly WorkspaceId LongestWorkspace = Workspace("w" + new string('9', 62));
    private static readonly string LongestPartner = "p" + new string('-', 61) + "p";
    private static readonly string LongestReadable = new string('/', 66) + "ab";
    private static readonly string Emoji1024 = string.Concat(Enumerable.Repeat("😀", 512));

    private static readonly string[] WorstValues =
    [
        LongestReadable,
        Emoji1024,
        new string('a', IdentifierRules.MaxLength),
        new string('/', IdentifierRules.MaxLength),
        new string('a', KeyEncoding.MaxEncodedLength),
    ];

    [Fact]
    public void Identifier_ExternalIdWithSeparatorVersusAlias_DifferentPartitions()
    {
        // Arrange
        var external = Identifier.External("a|b");
        var alias = Identifier.Alias(new UserAlias(AliasName: "b", AliasLabel: "a"));

        // Act
        var (externalPartition, _) = StorageKeys.Identifier(WorkspaceValue, external);
        var (aliasPartition, _) = StorageKeys.Identifier(WorkspaceValue, alias);

        // Assert
        Assert.NotEqual(externalPartition, aliasPartition);
    }

    [Fact]
    public void Identifier_SameStringOfEachKind_DifferentPartitions()
    {
        // Act
        var partitions = new[]
        {
            StorageKeys.Identifier(WorkspaceValue, Identifier.External("same")).PartitionKey,
            StorageKeys.Identifier(WorkspaceValue, Identifier.Device("same")).PartitionKey,
            StorageKeys.Identifier(WorkspaceValue, Identifier.Alias(new UserAlias("same", "same"))).PartitionKey,
        };

        // Assert
        Assert.Equal(3, partitions.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Identifier_TrickyIdentifiersOfAllKinds_NoTwoSharePartition()
    {
        // Arrange
        string[] values = ["a", "b", "x", "d", "a|b", "b|c", "x|a", "a|x|b", "a~7Cb", "|", "", "d|a", "a|a", "~", "~7C"];
        var identifiers = values.SelectMany(v => new[] { Identifier.External(v), Identifier.Device(v) })
            .Concat(values.SelectMany(label => values.Select(name => Identifier.Alias(new UserAlias(name, label)))))
            .Distinct()
            .ToList();

        // Act
        var partitions = identifiers.Select(i => StorageKeys.Identifier(WorkspaceValue, i).PartitionKey).ToList();

        // Assert
        var shared = identifiers.Zip(partitions)
            .GroupBy(p => p.Second, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => string.Join(" , ", g.Select(p => p.First.ToString())))
            .ToList();
        Assert.Empty(shared);
    }

    [Fact]
    public void Identifier_AliasLabelAndNameSwapped_DifferentPartitions()
    {
        // Act
        var labelAName = StorageKeys.Identifier(WorkspaceValue, Identifier.Alias(new UserAlias("name", "label"))).PartitionKey;
        var nameALabel = StorageKeys.Identifier(WorkspaceValue, Identifier.Alias(new UserAlias("label", "name"))).PartitionKey;

        // Assert
        Assert.NotEqual(labelAName, nameALabel);
    }

    [Fact]
    public void MembershipPartition_CohortIdsWithSeparatorsAndShards_NoTwoShare()
    {
        // Arrange
        string[] cohortIds = ["c", "c|0", "c|1", "c|0|1", "c~7C0", "0", "c0"];
        var partitions = new List<string>();

        // Act
        foreach (var cohortId in cohortIds)
        {
            foreach (var shard in UserId.Shards)
            {
                partitions.Add(StorageKeys.MembershipPartition(WorkspaceValue, new CohortRef("amplitude", cohortId), shard));
            }
        }

        // Assert
        Assert.Equal(partitions.Count, partitions.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Cohort_CohortIdsWithSeparators_DistinctRowKeys()
    {
        // Arrange
        string[] cohortIds = ["a", "a|b", "a~7Cb", "a|b|c"];
        string[] partners = ["amplitude", "segment"];

        // Act
        var rows = cohortIds
            .SelectMany(id => partners.Select(p => StorageKeys.Cohort(WorkspaceValue, new CohortRef(p, id)).RowKey))
            .ToList();

        // Assert
        Assert.Equal(rows.Count, rows.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void TenantPartitions_StartWithWorkspaceAndSeparator()
    {
        // Arrange
        var cohort = new CohortRef("amplitude", "c1");
        var user = UserId.Parse("a0000000000000000001");

        // Act
        var partitions = new[]
        {
            StorageKeys.Identifier(WorkspaceValue, Identifier.External("u")).PartitionKey,
            StorageKeys.Identifier(WorkspaceValue, Identifier.Device("d")).PartitionKey,
            StorageKeys.Identifier(WorkspaceValue, Identifier.Alias(new UserAlias("n", "l"))).PartitionKey,
            StorageKeys.MembershipPartition(WorkspaceValue, cohort, 'a'),
            StorageKeys.User(WorkspaceValue, user).PartitionKey,
            StorageKeys.UserPartition(WorkspaceValue, 'f'),
            StorageKeys.DataPointPartition(WorkspaceValue, "amplitude", new DateOnly(2025, 3, 14), 3),
            StorageKeys.HistoryPartition(WorkspaceValue, new DateOnly(2025, 3, 14), 7),
        };

        // Assert
        Assert.All(partitions, p => Assert.StartsWith("acme|", p, StringComparison.Ordinal));
        Assert.Equal("acme", StorageKeys.Cohort(WorkspaceValue, cohort).PartitionKey);
        Assert.Equal("acme", StorageKeys.CohortPartition(WorkspaceValue));
    }

    [Fact]
    public void HistoryDaysBefore_WorkspaceThatPrefixesAnother_HoldsExactlyItsOwnEarlierDays()
    {
        // Arrange
        var (from, to) = StorageKeys.HistoryDaysBefore(Workspace("acme"), new DateOnly(2026, 12, 1));
        bool InRange(string partition) => string.CompareOrdinal(partition, from) >= 0 && string.CompareOrdinal(partition, to) < 0;

        // Act & Assert
        Assert.True(InRange(StorageKeys.HistoryPartition(Workspace("acme"), new DateOnly(2026, 11, 30), StorageKeys.HistoryBuckets - 1)));
        Assert.True(InRange(StorageKeys.HistoryPartition(Workspace("acme"), new DateOnly(1601, 1, 1), 0)));
        Assert.False(InRange(StorageKeys.HistoryPartition(Workspace("acme"), new DateOnly(2026, 12, 1), 0)));
        Assert.False(InRange(StorageKeys.HistoryPartition(Workspace("acme-2"), new DateOnly(2026, 11, 1), 0)));
        Assert.False(InRange(StorageKeys.HistoryPartition(Workspace("acm"), new DateOnly(2026, 11, 1), 0)));
        Assert.False(InRange(StorageKeys.HistorySweepCursor.PartitionKey));
    }

    [Fact]
    public void HistoryRows_TheCohortsOwnRowsOnly_StartWithItsPrefixAndEndBeforeTheOldestWanted()
    {
        // Arrange
        var cohort = new CohortRef("amplitude", "c|1");
        var prefix = StorageKeys.HistoryCohortPrefix(cohort);
        var at = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
        var through = StorageKeys.HistoryRowsThrough(prefix, CohortFunctions.History.HistoryCursor.InvertedTicks(at));

        // Act
        var atOldest = StorageKeys.HistoryCohortRow(cohort, CohortFunctions.History.HistoryCursor.TimeKey(at, new string('f', 32)));
        var older = StorageKeys.HistoryCohortRow(cohort, CohortFunctions.History.HistoryCursor.TimeKey(at.AddTicks(-1), new string('0', 32)));
        var otherCohort = StorageKeys.HistoryCohortRow(new CohortRef("amplitude", "c"), CohortFunctions.History.HistoryCursor.TimeKey(at, new string('f', 32)));

        // Assert
        Assert.StartsWith(prefix, atOldest, StringComparison.Ordinal);
        Assert.True(string.CompareOrdinal(atOldest, through) < 0);
        Assert.True(string.CompareOrdinal(older, through) > 0);
        Assert.False(otherCohort.StartsWith(prefix, StringComparison.Ordinal));
        Assert.InRange(StorageKeys.HistoryBucket("amplitude", "c|1"), 0, StorageKeys.HistoryBuckets - 1);
        Assert.Equal(StorageKeys.HistoryBucket("amplitude", "c|1"), StorageKeys.HistoryBucket("amplitude", "c|1"));
    }

    [Fact]
    public void Identifier_WorkspaceThatPrefixesAnother_NeverSharesAPrefix()
    {
        // Arrange
        var identifier = Identifier.External("u");

        // Act
        var shorter = StorageKeys.Identifier(Workspace("acme"), identifier).PartitionKey;
        var longer = StorageKeys.Identifier(Workspace("acme-2"), identifier).PartitionKey;

        // Assert
        Assert.False(longer.StartsWith("acme|", StringComparison.Ordinal));
        Assert.False(shorter.StartsWith("acme-2|", StringComparison.Ordinal));
    }

    [Fact]
    public void AllKeys_WorstCaseInputs_WithinKeyLimitAndKeySafe()
    {
        // Arrange
        var user = UserId.Parse("ffffffffffffffffffff");
        var keys = new List<string>
        {
            StorageKeys.User(LongestWorkspace, user).PartitionKey,
            StorageKeys.User(LongestWorkspace, user).RowKey,
            StorageKeys.DataPointPartition(LongestWorkspace, LongestPartner, DateOnly.MaxValue, int.MaxValue),
            StorageKeys.ImportKeyListing(LongestWorkspace, LongestPartner),
            StorageKeys.ImportKeyByHash(new string('f', 64)).PartitionKey,
            StorageKeys.ImportKeyByHash(new string('f', 64)).RowKey,
            StorageKeys.MemberDeltaRow(Guid.NewGuid().ToString("N")),
        };
        foreach (var value in WorstValues)
        {
            var cohort = new CohortRef(LongestPartner, value);
            keys.Add(StorageKeys.Identifier(LongestWorkspace, Identifier.External(value)).PartitionKey);
            keys.Add(StorageKeys.Identifier(LongestWorkspace, Identifier.External(value)).RowKey);
            keys.Add(StorageKeys.Identifier(LongestWorkspace, Identifier.Device(value)).PartitionKey);
            keys.Add(StorageKeys.Cohort(LongestWorkspace, cohort).RowKey);
            keys.Add(StorageKeys.MembershipPartition(LongestWorkspace, cohort, 'f'));
            foreach (var label in WorstValues)
            {
                keys.Add(StorageKeys.Identifier(LongestWorkspace, Identifier.Alias(new UserAlias(value, label))).PartitionKey);
            }
        }

        // Assert
        Assert.Equal(63, LongestWorkspace.Value.Length);
        Assert.All(keys, key =>
        {
            Assert.InRange(key.Length, 0, MaxKeyLength);
            Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
        });
    }

    [Fact]
    public void Identifier_AliasOfTwoLongestReadableFragments_KeepsBothReadable()
    {
        // Arrange: the longest alias partition that is not hashed.
        var alias = Identifier.Alias(new UserAlias(LongestReadable, LongestReadable));

        // Act
        var (partition, row) = StorageKeys.Identifier(LongestWorkspace, alias);

        // Assert
        Assert.Equal(63 + 1 + 1 + 1 + KeyEncoding.MaxEncodedLength + 1 + KeyEncoding.MaxEncodedLength, partition.Length);
        Assert.InRange(partition.Length, 0, MaxKeyLength);
        Assert.Equal(partition[(63 + 1)..], row);
    }

    [Fact]
    public void DataPointRange_DaysOfOnePartner_HoldsEveryBucketOfThoseDaysAndNothingElse()
    {
        // Arrange
        var (first, last) = (new DateOnly(2026, 2, 27), new DateOnly(2026, 3, 2));
        var inside = Enumerable.Range(0, 4).SelectMany(day => Enumerable.Range(0, 4).Select(bucket =>
            StorageKeys.DataPointPartition(WorkspaceValue, "amp", first.AddDays(day), bucket))).ToList();
        string[] outside =
        [
            StorageKeys.DataPointPartition(WorkspaceValue, "amp", first.AddDays(-1), 3),
            StorageKeys.DataPointPartition(WorkspaceValue, "amp", last.AddDays(1), 0),
            StorageKeys.DataPointPartition(WorkspaceValue, "amplitude", first, 0),
            StorageKeys.DataPointPartition(WorkspaceValue, "am", first, 0),
            StorageKeys.DataPointPartition(Workspace("acme-2"), "amp", first, 0),
        ];

        // Act
        var (from, to) = StorageKeys.DataPointRange(WorkspaceValue, "amp", first, last);

        // Assert
        Assert.All(inside, p => Assert.True(string.CompareOrdinal(p, from) >= 0 && string.CompareOrdinal(p, to) < 0, p));
        Assert.All(outside, p => Assert.False(string.CompareOrdinal(p, from) >= 0 && string.CompareOrdinal(p, to) < 0, p));
    }

    [Fact]
    public void DataPointRange_EndingOnTheLastDay_HoldsThatDay()
    {
        // Act
        var (from, to) = StorageKeys.DataPointRange(WorkspaceValue, "amp", DateOnly.MaxValue, DateOnly.MaxValue);
        var partition = StorageKeys.DataPointPartition(WorkspaceValue, "amp", DateOnly.MaxValue, 3);

        // Assert
        Assert.True(string.CompareOrdinal(partition, from) >= 0 && string.CompareOrdinal(partition, to) < 0);
    }

    [Theory]
    [InlineData(2026, 11, 29, 0)]
    [InlineData(1, 1, 1, 3)]
    [InlineData(9999, 12, 31, 2)]
    public void TryParseDataPointDay_LedgerPartition_GivesItsDay(int year, int month, int day, int bucket)
    {
        // Arrange
        var date = new DateOnly(year, month, day);

        // Act
        var parsed = StorageKeys.TryParseDataPointDay(StorageKeys.DataPointPartition(LongestWorkspace, LongestPartner, date, bucket), out var found);

        // Assert
        Assert.True(parsed);
        Assert.Equal(date, found);
    }

    [Theory]
    [InlineData("")]
    [InlineData("acme")]
    [InlineData("acme|amp|2026130|0")]
    [InlineData("acme|amp|notaday|0")]
    public void TryParseDataPointDay_OtherKey_IsFalse(string partition)
    {
        Assert.False(StorageKeys.TryParseDataPointDay(partition, out _));
    }

    private static WorkspaceId Workspace(string value) =>
        WorkspaceId.Parse(value).TryGetValue(out var id, out _) ? id : throw new ArgumentException("Not a workspace id.", nameof(value));
}
