namespace CohortFunctions.Storage;

/// <summary>Every table the app uses, with the configured prefix applied. Add a table here and it is created at start.</summary>
internal sealed class TableNames(string prefix)
{
    /// <summary>A table's name without the installation's prefix (e.g. <c>memberships</c>), as telemetry names it.</summary>
    public string Unprefixed(string tableName)
    {
        ArgumentNullException.ThrowIfNull(tableName);
        return tableName.StartsWith(prefix, StringComparison.Ordinal) ? tableName[prefix.Length..] : tableName;
    }

    /// <summary>Data import keys: a lookup row per key hash and a listing row per workspace and partner.</summary>
    public string ImportKeys { get; } = prefix + "importkeys";

    /// <summary>User profiles, partitioned by workspace and user shard.</summary>
    public string Users { get; } = prefix + "users";

    /// <summary>The identifier index: one partition per external id, device id or alias.</summary>
    public string Identifiers { get; } = prefix + "identifiers";

    /// <summary>Cohorts of a workspace, one partition per workspace.</summary>
    public string Cohorts { get; } = prefix + "cohorts";

    /// <summary>Cohort memberships and their count deltas, partitioned by cohort and user shard.</summary>
    public string Memberships { get; } = prefix + "memberships";

    /// <summary>Data point ledger rows, partitioned by workspace, partner, UTC day and bucket.</summary>
    public string DataPoints { get; } = prefix + "datapoints";

    /// <summary>Saved segments, one partition per workspace.</summary>
    public string Segments { get; } = prefix + "segments";

    /// <summary>Identifiers that matched no user yet, per cohort, waiting for a resync pass.</summary>
    public string Pending { get; } = prefix + "pending";

    /// <summary>Sync history: each partner call and resync pass, per workspace, UTC day and bucket.</summary>
    public string SyncHistory { get; } = prefix + "synchistory";

    /// <summary>All table names, for provisioning.</summary>
    public IReadOnlyList<string> All => [ImportKeys, Users, Identifiers, Cohorts, Memberships, DataPoints, Segments, Pending, SyncHistory];
}
