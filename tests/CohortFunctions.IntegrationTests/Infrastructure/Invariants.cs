using Azure;
using Azure.Data.Tables;
using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.Resync;
using CohortFunctions.Storage;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.IntegrationTests.Infrastructure;

/// <summary>
/// What must hold in storage whatever happened to the requests that wrote it, read from the tables directly — never
/// through the app or a fault proxy — so a test can check an app it has just put through faults:
/// <code>
/// var invariants = await StorageInvariants.ForAsync(app);
/// await invariants.AssertCountsEqualMemberRowsAsync(workspace, "amplitude", "c1");
/// </code>
/// Keys come from the app's own <see cref="StorageKeys"/>, so the checks read exactly the rows the app writes.
/// </summary>
internal sealed class StorageInvariants
{
    private readonly TableServiceClient _service;
    private readonly TableNames _names;
    private int _checked;

    public StorageInvariants(string connectionString, string tablePrefix)
    {
        _service = new TableServiceClient(connectionString);
        _names = new TableNames(tablePrefix);
    }

    /// <summary>How many invariants this instance has asserted (each cohort, shard-wise count or user counts once).</summary>
    public int Checked => _checked;

    /// <summary>Checks on the shared Azurite of the integration tests, for the tables of <paramref name="app"/>.</summary>
    public static async Task<StorageInvariants> ForAsync(TestApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new StorageInvariants(await AzuriteFixture.GetConnectionStringAsync(), app.TablePrefix);
    }

    /// <summary>The user ids with a member row in the cohort, over all 16 shards, in shard and id order.</summary>
    public async Task<IReadOnlyList<string>> MemberUserIdsAsync(string workspace, string partner, string cohortId)
    {
        var shards = await ShardsAsync(workspace, partner, cohortId);
        return [.. shards.SelectMany(s => s.Members)];
    }

    /// <summary>The member count as the app computes it: every shard's <c>~count</c> plus its uncompacted deltas.</summary>
    public async Task<long> CountedMembersAsync(string workspace, string partner, string cohortId) =>
        (await ShardsAsync(workspace, partner, cohortId)).Sum(s => s.Counted);

    /// <summary>The data points of a workspace: the sum of its ledger rows, every partner and day.</summary>
    public async Task<long> LedgerTotalAsync(string workspace)
    {
        long total = 0;
        await foreach (var row in WorkspaceRowsAsync(_names.DataPoints, workspace, ["Count"]))
        {
            total += row.GetInt32("Count") ?? 0;
        }

        return total;
    }

    /// <summary>The ledger rows of a workspace (partition and row keys).</summary>
    public async Task<IReadOnlyList<(string PartitionKey, string RowKey)>> LedgerRowsAsync(string workspace)
    {
        var rows = new List<(string, string)>();
        await foreach (var row in WorkspaceRowsAsync(_names.DataPoints, workspace, ["PartitionKey", "RowKey"]))
        {
            rows.Add((row.PartitionKey, row.RowKey));
        }

        return rows;
    }

    /// <summary>Deletes ledger rows as a process that died between a batch and its ledger write would have left them: missing.</summary>
    public async Task DeleteLedgerRowsAsync(IEnumerable<(string PartitionKey, string RowKey)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var table = _service.GetTableClient(_names.DataPoints);
        foreach (var (partition, row) in rows)
        {
            await table.DeleteEntityAsync(partition, row, ETag.All);
        }
    }

    /// <summary>The data points carried by a workspace's uncompacted delta rows (maintenance folds them away).</summary>
    public async Task<long> DeltaDataPointsAsync(string workspace)
    {
        long total = 0;
        await foreach (var row in WorkspaceRowsAsync(_names.Memberships, workspace, ["RowKey", "DataPoints"]))
        {
            if (row.RowKey.StartsWith(StorageKeys.MemberDeltaPrefix, StringComparison.Ordinal))
            {
                total += row.GetInt32("DataPoints") ?? 0;
            }
        }

        return total;
    }

    /// <summary>The user an identifier's index row points at, or null; as postbacks would match it when <paramref name="matchable"/>.</summary>
    public async Task<string?> UserIdOfAsync(string workspace, Identifier identifier, bool matchable = false)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var (partition, row) = StorageKeys.Identifier(Workspace(workspace), identifier);
        var found = await _service.GetTableClient(_names.Identifiers).GetEntityIfExistsAsync<TableEntity>(partition, row);
        if (!found.HasValue || found.Value!.GetString("Value") != identifier.Value || (matchable && found.Value.GetBoolean("Matchable") == false))
        {
            return null;
        }

        return found.Value.GetString("UserId");
    }

    /// <summary>The user ids of identified users, in the order of <paramref name="externalIds"/>; fails if one has no user.</summary>
    public async Task<IReadOnlyList<string>> UserIdsOfAsync(string workspace, IEnumerable<string> externalIds)
    {
        ArgumentNullException.ThrowIfNull(externalIds);
        return await Task.WhenAll(externalIds.Select(async id =>
            await UserIdOfAsync(workspace, Identifier.External(id)) ?? throw new InvalidOperationException($"No user has external id {id}.")));
    }

    /// <summary>Whether the user's profile row exists.</summary>
    public async Task<bool> ProfileExistsAsync(string workspace, string userId)
    {
        var (partition, row) = StorageKeys.User(Workspace(workspace), UserId.Parse(userId));
        var found = await _service.GetTableClient(_names.Users).GetEntityIfExistsAsync<TableEntity>(partition, row, ["RowKey"]);
        return found.HasValue;
    }

    /// <summary>Every membership partition of the workspace that has a member row for <paramref name="userId"/>.</summary>
    public async Task<IReadOnlyList<string>> MembershipPartitionsOfAsync(string workspace, string userId)
    {
        var partitions = new List<string>();
        await foreach (var row in WorkspaceRowsAsync(_names.Memberships, workspace, ["PartitionKey", "RowKey"], rowKey: userId))
        {
            partitions.Add(row.PartitionKey);
        }

        return partitions;
    }

    /// <summary>Member count equals the member rows, shard by shard (a wrong delta anywhere shows, not only a wrong total).</summary>
    public async Task AssertCountsEqualMemberRowsAsync(string workspace, string partner, string cohortId)
    {
        var shards = await ShardsAsync(workspace, partner, cohortId);
        var wrong = shards.Where(s => s.Counted != s.Members.Count).Select(s => $"shard {s.Id}: counted {s.Counted}, {s.Members.Count} member rows").ToList();
        Assert.True(wrong.Count == 0, $"Member counts of {partner}/{cohortId} differ from the member rows: {string.Join("; ", wrong)}");
        Interlocked.Increment(ref _checked);
    }

    /// <summary>The cohort's member rows are exactly <paramref name="expectedUserIds"/>, and its counts agree with them.</summary>
    public async Task AssertMembersAsync(string workspace, string partner, string cohortId, IEnumerable<string> expectedUserIds)
    {
        ArgumentNullException.ThrowIfNull(expectedUserIds);
        var expected = expectedUserIds.Order(StringComparer.Ordinal).ToList();
        var actual = (await MemberUserIdsAsync(workspace, partner, cohortId)).Order(StringComparer.Ordinal).ToList();
        var missing = expected.Except(actual).Take(5).ToList();
        var extra = actual.Except(expected).Take(5).ToList();
        Assert.True(
            missing.Count == 0 && extra.Count == 0 && expected.Count == actual.Count,
            $"Members of {partner}/{cohortId}: expected {expected.Count}, stored {actual.Count}; missing e.g. [{string.Join(", ", missing)}], unexpected e.g. [{string.Join(", ", extra)}]");
        Interlocked.Increment(ref _checked);
        await AssertCountsEqualMemberRowsAsync(workspace, partner, cohortId);
    }

    /// <summary>The ledger of the workspace adds up to <paramref name="expected"/> data points.</summary>
    public async Task AssertDataPointsAsync(string workspace, long expected)
    {
        Assert.Equal(expected, await LedgerTotalAsync(workspace));
        Interlocked.Increment(ref _checked);
    }

    /// <summary>A deleted user has no profile and no membership anywhere in the workspace.</summary>
    public async Task AssertUserGoneAsync(string workspace, string userId)
    {
        Assert.False(await ProfileExistsAsync(workspace, userId), $"User {userId} should be gone but has a profile.");
        await AssertNoMembershipsAsync(workspace, userId);
    }

    /// <summary>The user (deleted, or merged into another) is a member of no cohort of the workspace.</summary>
    public async Task AssertNoMembershipsAsync(string workspace, string userId)
    {
        var partitions = await MembershipPartitionsOfAsync(workspace, userId);
        Assert.True(partitions.Count == 0, $"User {userId} should be a member of nothing but is a member in {string.Join(", ", partitions)}.");
        Interlocked.Increment(ref _checked);
    }

    /// <summary>The pending rows of a cohort: each identifier's value and whether it is a supersede mark.</summary>
    public async Task<IReadOnlyDictionary<string, bool>> PendingRowsAsync(string workspace, string partner, string cohortId)
    {
        var table = _service.GetTableClient(_names.Pending);
        var rows = new Dictionary<string, bool>(StringComparer.Ordinal);
        var cohort = new CohortRef(partner, cohortId);
        for (var bucket = 0; bucket < PendingCursor.Buckets; bucket++)
        {
            var partition = StorageKeys.PendingPartition(Workspace(workspace), cohort, bucket);
            await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}")))
            {
                rows[row.GetString("Value") ?? ""] = row.GetBoolean("Superseded") == true;
            }
        }

        return rows;
    }

    /// <summary>
    /// After a resync pass completed: no live pending identifier of the cohort matches a user (it would have been
    /// applied, and an applied identifier's row is deleted), so nothing is both applied and still pending.
    /// </summary>
    public async Task AssertNothingPendingMatchesAsync(string workspace, string partner, string cohortId)
    {
        var table = _service.GetTableClient(_names.Pending);
        var matching = new List<string>();
        var cohort = new CohortRef(partner, cohortId);
        for (var bucket = 0; bucket < PendingCursor.Buckets; bucket++)
        {
            var partition = StorageKeys.PendingPartition(Workspace(workspace), cohort, bucket);
            await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}")))
            {
                if (row.GetBoolean("Superseded") == true)
                {
                    continue;
                }

                var value = row.GetString("Value") ?? "";
                var identifier = row.GetString("Kind") switch
                {
                    "x" => Identifier.External(value),
                    "d" => Identifier.Device(value),
                    _ => Identifier.Alias(new UserAlias(value, row.GetString("AliasLabel") ?? "")),
                };
                if (await UserIdOfAsync(workspace, identifier, matchable: true) is { } user && await ProfileExistsAsync(workspace, user))
                {
                    matching.Add(identifier.ToString());
                }
            }
        }

        Assert.True(matching.Count == 0, $"{matching.Count} pending identifiers of {partner}/{cohortId} match a user, e.g. {string.Join(", ", matching.Take(5))}");
        Interlocked.Increment(ref _checked);
    }

    private async Task<IReadOnlyList<ShardRows>> ShardsAsync(string workspace, string partner, string cohortId)
    {
        var table = _service.GetTableClient(_names.Memberships);
        var cohort = new CohortRef(partner, cohortId);
        var shards = new List<ShardRows>();
        foreach (var shard in UserId.Shards)
        {
            var partition = StorageKeys.MembershipPartition(Workspace(workspace), cohort, shard);
            var members = new List<string>();
            long counted = 0;
            await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}")))
            {
                if (string.CompareOrdinal(row.RowKey, StorageKeys.FirstNonMemberRow) < 0)
                {
                    members.Add(row.RowKey);
                }
                else
                {
                    counted += (row.GetInt64("Count") ?? 0) + (row.GetInt32("Delta") ?? 0);
                }
            }

            shards.Add(new ShardRows(shard, members, counted));
        }

        return shards;
    }

    /// <summary>Every row of a table whose partition belongs to the workspace (they all start with <c>{ws}|</c>).</summary>
    private AsyncPageable<TableEntity> WorkspaceRowsAsync(string tableName, string workspace, IEnumerable<string> select, string? rowKey = null)
    {
        // '}' follows '|': the range holds exactly the partitions starting with "{ws}|".
        var (from, to) = (workspace + "|", workspace + "}");
        var filter = rowKey is null
            ? TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {to}")
            : TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {to} and RowKey eq {rowKey}");
        return _service.GetTableClient(tableName).QueryAsync<TableEntity>(filter, select: select);
    }

    private static WorkspaceId Workspace(string workspace) =>
        WorkspaceId.Parse(workspace).TryGetValue(out var id, out _) ? id : throw new ArgumentException($"'{workspace}' is not a workspace id.", nameof(workspace));

    private sealed record ShardRows(char Id, List<string> Members, long Counted);
}
