using CohortFunctions.Cohorts;
using CohortFunctions.History;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Contracts;

/// <summary>
/// What every <see cref="ISyncHistoryStore"/> must do: records come back as written, newest first, a page at a time
/// with each record exactly once, only the cohort, workspace, partner and time range asked for, and retention
/// removes whole days of one workspace only. Run on the unit tests' in-memory fake and on the Table Storage adapter
/// on Azurite. Each test works in workspaces of its own.
/// </summary>
public abstract class SyncHistoryStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private readonly ISyncHistoryStore _store;

    private protected SyncHistoryStoreContract(Func<ISyncHistoryStore> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        _store = create();
    }

    private protected WorkspaceId Workspace { get; } = NewWorkspace();

    [Fact]
    public async Task ReadCohortAsync_RecordsOfEveryKindAndOutcome_ComeBackAsWrittenNewestFirst()
    {
        // Arrange
        var cohort = new CohortRef("amplitude", "power users/é 100%");
        var name = Record(cohort, Now.AddHours(-3), SyncKind.Name, new SyncOutcome(201, "success"), SyncCounts.None, keyId: "key-1", requestId: "req-1");
        var changes = Record(cohort, Now.AddHours(-2), SyncKind.Changes, new SyncOutcome(201, "success"), new SyncCounts(5, 2, 1, 1, 1, 3), keyId: "key-1", requestId: "req-2");
        var refused = Record(cohort, Now.AddHours(-1), SyncKind.Changes, new SyncOutcome(400, "`cohort_changes` must be an array"), SyncCounts.None, keyId: "key-1", requestId: "req-3");
        var resync = Record(cohort, Now.AddMinutes(-1), SyncKind.Resync, new SyncOutcome(200, "Scheduled pass completed"), new SyncCounts(4, 3, 0, 0, 1, 3), keyId: null, requestId: null);

        // Act
        await _store.AppendAsync([changes, resync, name, refused], CancellationToken.None);
        var page = await _store.ReadCohortAsync(Workspace, cohort, Query(10), CancellationToken.None);

        // Assert
        Assert.Equal([resync, refused, changes, name], page.Records);
        Assert.Null(page.Continuation);
    }

    [Fact]
    public async Task ReadCohortAsync_PagesOfTwoOverSeveralDays_EveryRecordOnceNewestFirst()
    {
        // Arrange: seven records over four days, two of them at the same instant.
        var cohort = new CohortRef("amplitude", "c1");
        SyncRecord[] records =
        [
            Record(cohort, Now.AddDays(-3)), Record(cohort, Now.AddDays(-2).AddHours(-1)), Record(cohort, Now.AddDays(-2)),
            Record(cohort, Now.AddDays(-1)), Record(cohort, Now.AddHours(-1)), Record(cohort, Now), Record(cohort, Now),
        ];
        await _store.AppendAsync(records, CancellationToken.None);

        // Act
        var (read, pages) = await ReadAllAsync(q => _store.ReadCohortAsync(Workspace, cohort, q, CancellationToken.None), pageSize: 2);

        // Assert
        Assert.Equal(Newest(records), read);
        Assert.Equal(4, pages);
    }

    [Fact]
    public async Task ReadCohortAsync_OtherCohortsPartnersAndWorkspaces_NotReturned()
    {
        // Arrange
        var cohort = new CohortRef("amplitude", "c1");
        var mine = Record(cohort, Now);
        var otherWorkspace = NewWorkspace();
        await _store.AppendAsync(
        [
            mine,
            Record(new CohortRef("amplitude", "c2"), Now),
            Record(new CohortRef("amplitude", "c1 "), Now),
            Record(new CohortRef("segment", "c1"), Now),
            Record(cohort, Now) with { Workspace = otherWorkspace },
            Record(null, Now),
        ], CancellationToken.None);

        // Act
        var page = await _store.ReadCohortAsync(Workspace, cohort, Query(10), CancellationToken.None);

        // Assert
        Assert.Equal([mine], page.Records);
    }

    [Fact]
    public async Task ReadCohortAsync_IdLongerThanAKeyKeepsReadable_ItsOwnRecordsOnly()
    {
        // Arrange: ids this long are hashed in keys; two that differ only at the end must stay apart.
        var first = new CohortRef("amplitude", new string('x', 900) + "1");
        var second = new CohortRef("amplitude", new string('x', 900) + "2");
        var one = Record(first, Now);
        await _store.AppendAsync([one, Record(second, Now)], CancellationToken.None);

        // Act
        var page = await _store.ReadCohortAsync(Workspace, first, Query(10), CancellationToken.None);

        // Assert
        Assert.Equal([one], page.Records);
    }

    [Fact]
    public async Task ReadWorkspaceAsync_ManyCohortsAndCallsWithoutOne_MergedNewestFirstEachOnce()
    {
        // Arrange: twelve cohorts (spread over the buckets) and calls that named no valid cohort.
        var records = Enumerable.Range(0, 30)
            .Select(i => Record(i % 5 == 0 ? null : new CohortRef(i % 2 == 0 ? "amplitude" : "segment", $"c{i % 12}"), Now.AddMinutes(-37 * i)))
            .ToList();
        await _store.AppendAsync(records, CancellationToken.None);
        await _store.AppendAsync([Record(new CohortRef("amplitude", "c1"), Now) with { Workspace = NewWorkspace() }], CancellationToken.None);

        // Act
        var (read, _) = await ReadAllAsync(q => _store.ReadWorkspaceAsync(Workspace, q, CancellationToken.None), pageSize: 7);

        // Assert
        Assert.Equal(Newest(records), read);
    }

    [Fact]
    public async Task ReadWorkspaceAsync_OnePartner_OnlyItsRecords()
    {
        // Arrange
        var records = Enumerable.Range(0, 12)
            .Select(i => Record(new CohortRef(i % 3 == 0 ? "segment" : "amplitude", $"c{i}"), Now.AddMinutes(-i)))
            .ToList();
        await _store.AppendAsync(records, CancellationToken.None);

        // Act
        var (read, _) = await ReadAllAsync(q => _store.ReadWorkspaceAsync(Workspace, q with { Partner = "segment" }, CancellationToken.None), pageSize: 3);

        // Assert
        Assert.Equal(Newest(records.Where(r => r.Partner == "segment")), read);
    }

    [Fact]
    public async Task Read_RecordsOlderThanTheOldestAskedFor_NotReturned()
    {
        // Arrange
        var cohort = new CohortRef("amplitude", "c1");
        var kept = Record(cohort, Now.AddDays(-2));
        var boundary = Record(cohort, Now.AddDays(-2).AddTicks(-1));
        await _store.AppendAsync([kept, boundary, Record(cohort, Now.AddDays(-5))], CancellationToken.None);
        var query = Query(10) with { Oldest = Now.AddDays(-2) };

        // Act
        var cohortPage = await _store.ReadCohortAsync(Workspace, cohort, query, CancellationToken.None);
        var feedPage = await _store.ReadWorkspaceAsync(Workspace, query, CancellationToken.None);

        // Assert
        Assert.Equal([kept], cohortPage.Records);
        Assert.Equal([kept], feedPage.Records);
    }

    [Fact]
    public async Task ReadWorkspaceAsync_NewRecordsBetweenPages_NeitherRepeatedNorShownOnLaterPages()
    {
        // Arrange
        var cohort = new CohortRef("amplitude", "c1");
        SyncRecord[] first = [Record(cohort, Now.AddMinutes(-3)), Record(cohort, Now.AddMinutes(-2)), Record(cohort, Now.AddMinutes(-1))];
        await _store.AppendAsync(first, CancellationToken.None);
        var page1 = await _store.ReadWorkspaceAsync(Workspace, Query(2), CancellationToken.None);

        // Act: a newer record arrives, then the walk goes on.
        await _store.AppendAsync([Record(cohort, Now)], CancellationToken.None);
        var page2 = await _store.ReadWorkspaceAsync(Workspace, Query(2) with { Cursor = Cursor(page1) }, CancellationToken.None);

        // Assert
        Assert.Equal([first[2], first[1]], page1.Records);
        Assert.Equal([first[0]], page2.Records);
        Assert.Null(page2.Continuation);
    }

    [Fact]
    public async Task AppendAsync_TheSameRecordAgain_StoredOnce()
    {
        // Arrange
        var cohort = new CohortRef("amplitude", "c1");
        var record = Record(cohort, Now);

        // Act: a write retried after a failure that hid its success.
        await _store.AppendAsync([record], CancellationToken.None);
        await _store.AppendAsync([record], CancellationToken.None);

        // Assert
        Assert.Equal([record], (await _store.ReadCohortAsync(Workspace, cohort, Query(10), CancellationToken.None)).Records);
        Assert.Equal([record], (await _store.ReadWorkspaceAsync(Workspace, Query(10), CancellationToken.None)).Records);
    }

    [Fact]
    public async Task AppendAsync_MoreThanATransactionHoldsInOnePartition_AllStored()
    {
        // Arrange: one cohort, one day: 120 records, 240 rows in one partition.
        var cohort = new CohortRef("amplitude", "c1");
        var records = Enumerable.Range(0, 120).Select(i => Record(cohort, Now.AddSeconds(-i))).ToList();

        // Act
        await _store.AppendAsync(records, CancellationToken.None);

        // Assert
        var (read, _) = await ReadAllAsync(q => _store.ReadCohortAsync(Workspace, cohort, q, CancellationToken.None), pageSize: 1000);
        Assert.Equal(Newest(records), read);
    }

    [Fact]
    public async Task PurgeAsync_DaysBeforeTheFirstKept_RemovedAndNothingElse()
    {
        // Arrange
        var cohort = new CohortRef("amplitude", "c1");
        var other = NewWorkspace();
        var expired = new[] { Record(cohort, Now.AddDays(-20)), Record(null, Now.AddDays(-15)) };

        // Whole days go: a record of the first day kept stays until the next day's purge, even if it is older.
        var kept = new[] { Record(cohort, Now.AddDays(-14).AddTicks(-1)), Record(cohort, Now.AddDays(-14)), Record(cohort, Now) };
        var otherWorkspaces = Record(cohort, Now.AddDays(-20)) with { Workspace = other };
        await _store.AppendAsync([.. expired, .. kept, otherWorkspaces], CancellationToken.None);
        var firstDayKept = DateOnly.FromDateTime(Now.AddDays(-14).UtcDateTime);

        // Act
        var (deleted, complete) = await _store.PurgeAsync(Workspace, firstDayKept, DateTimeOffset.MaxValue, TimeProvider.System, CancellationToken.None);

        // Assert
        Assert.True(complete);
        Assert.Equal(3, deleted);
        Assert.Equal(Newest(kept), (await _store.ReadWorkspaceAsync(Workspace, Query(10), CancellationToken.None)).Records);
        Assert.Equal([otherWorkspaces], (await _store.ReadWorkspaceAsync(other, Query(10), CancellationToken.None)).Records);
    }

    [Fact]
    public async Task SaveSweepCursorAsync_ThenLoad_TheSameCursorAndNullAgain()
    {
        // Act
        await _store.SaveSweepCursorAsync("acme", CancellationToken.None);
        var saved = await _store.LoadSweepCursorAsync(CancellationToken.None);
        await _store.SaveSweepCursorAsync(null, CancellationToken.None);

        // Assert
        Assert.Equal("acme", saved);
        Assert.Null(await _store.LoadSweepCursorAsync(CancellationToken.None));
    }

    private static WorkspaceId NewWorkspace() => WorkspaceId.Parse("ws-" + Guid.NewGuid().ToString("N")[..16]).Value;

    /// <summary>The newest first, as every read returns them: by time, then by record id.</summary>
    private static List<SyncRecord> Newest(IEnumerable<SyncRecord> records) =>
        [.. records.OrderByDescending(r => r.At).ThenBy(r => r.Id, StringComparer.Ordinal)];

    /// <summary>A query of the last 30 days, read from today.</summary>
    private static HistoryQuery Query(int limit) => new(limit, null, Now.AddDays(-30), DateOnly.FromDateTime(Now.UtcDateTime), null);

    private static HistoryCursor Cursor(HistoryPage page)
    {
        Assert.True(HistoryCursor.TryParse(page.Continuation, out var cursor));
        return cursor!;
    }

    private static async Task<(List<SyncRecord> Records, int Pages)> ReadAllAsync(Func<HistoryQuery, Task<HistoryPage>> read, int pageSize)
    {
        var records = new List<SyncRecord>();
        var query = Query(pageSize);
        for (var pages = 1; ; pages++)
        {
            var page = await read(query);
            Assert.True(page.Records.Count <= pageSize);
            records.AddRange(page.Records);
            if (page.Continuation is null)
            {
                return (records, pages);
            }

            Assert.True(pages < 100, "The walk does not end.");
            query = query with { Cursor = Cursor(page) };
        }
    }

    private SyncRecord Record(
        CohortRef? cohort,
        DateTimeOffset at,
        SyncKind kind = SyncKind.Changes,
        SyncOutcome? outcome = null,
        SyncCounts? counts = null,
        string? keyId = "key-1",
        string? requestId = "request-1") =>
        new(SyncRecord.NewId(), at, Workspace, cohort?.Partner ?? "amplitude", cohort?.CohortId, kind, outcome ?? new SyncOutcome(201, "success"), counts ?? new SyncCounts(1, 1, 0, 0, 0, 1), TimeSpan.FromMilliseconds(42), keyId, requestId);
}
