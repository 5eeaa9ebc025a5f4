using System.Globalization;
using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>
/// Every PartitionKey and RowKey the app writes is built here, so the key layout can be read in one place.
/// Fragments are joined with <c>|</c>, which no fragment contains: workspace ids, partner slugs, key ids and user ids
/// have restricted alphabets (validated before they get here) and user-supplied strings go through
/// <see cref="KeyEncoding"/>. Every partition of tenant data starts with the workspace id, so one workspace's keys
/// can never address another's rows.
/// </summary>
internal static class StorageKeys
{
    /// <summary>RowKey of a membership partition's compacted member count. Sorts after every user id.</summary>
    public const string MemberCountRow = "~count";

    /// <summary>RowKey prefix of member count deltas written with each membership batch.</summary>
    public const string MemberDeltaPrefix = "~delta|";

    /// <summary>Lowest RowKey that is not a member row (user ids are lower-case hex).</summary>
    public const string FirstNonMemberRow = "~";

    private const char Separator = '|';

    /// <summary>
    /// The lookup row of a data import key: one partition per key hash, so resolving a postback's key is a point
    /// read and no partition is hot. The RowKey repeats the hash (see <see cref="Identifier"/> for why).
    /// </summary>
    public static (string PartitionKey, string RowKey) ImportKeyByHash(string keyHash) => ($"hash-{keyHash}", keyHash);

    /// <summary>The partition listing a workspace's keys for one partner.</summary>
    /// <remarks>Joined with <c>|</c>, which neither a workspace id nor a partner slug can contain, so no two pairs share it.</remarks>
    public static string ImportKeyListing(WorkspaceId workspace, string partner) => Join("keys", workspace.Value, partner);

    /// <summary>
    /// The range of every key listing partition (<c>keys|{workspace}|{partner}</c>), from its first partition up to,
    /// not including, the end: the character after the separator ends the prefix. Lookup rows (<c>hash-…</c>) sort outside it.
    /// </summary>
    public static (string From, string To) ImportKeyListings() => ("keys" + Separator, "keys" + (char)(Separator + 1));

    /// <summary>A user profile: partition per workspace and user shard, row per user id.</summary>
    public static (string PartitionKey, string RowKey) User(WorkspaceId workspace, UserId user) =>
        (UserPartition(workspace, user.Shard), user.Value);

    /// <summary>The partition of one workspace's users in one shard (scanned in user id order by segment exports).</summary>
    public static string UserPartition(WorkspaceId workspace, char shard) => Join(workspace.Value, shard.ToString());

    /// <summary>
    /// The identifier index row of an external id, device id or alias: a partition of its own, the row keyed by the
    /// identifier without the workspace. A RowKey shared by every row (such as an empty one) costs nothing on Azure,
    /// but Azurite finds a point row through its RowKey index first and then scans every row with that RowKey: a
    /// shared RowKey made each identifier read and insert scan the whole table (docs/decisions.md).
    /// </summary>
    public static (string PartitionKey, string RowKey) Identifier(WorkspaceId workspace, Identifier identifier)
    {
        var row = IdentifierRow(identifier);
        return (Join(workspace.Value, row), row);
    }

    /// <summary>A cohort row: one partition per workspace (a workspace has tens to thousands of cohorts, not millions).</summary>
    public static (string PartitionKey, string RowKey) Cohort(WorkspaceId workspace, CohortRef cohort)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        return (CohortPartition(workspace), Join(cohort.Partner, KeyEncoding.Encode(cohort.CohortId)));
    }

    /// <summary>The partition of every cohort of a workspace.</summary>
    public static string CohortPartition(WorkspaceId workspace) => workspace.Value;

    /// <summary>
    /// One shard of a cohort's memberships: member rows keyed by user id, plus the shard's count rows. Sharding by
    /// the user's shard spreads a large cohort's writes over 16 partitions and lets exports merge cohorts shard by
    /// shard in user id order.
    /// </summary>
    public static string MembershipPartition(WorkspaceId workspace, CohortRef cohort, char shard)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        return Join(workspace.Value, cohort.Partner, KeyEncoding.Encode(cohort.CohortId), shard.ToString());
    }

    /// <summary>The row of one count delta, written in the same transaction as the membership changes it counts.</summary>
    public static string MemberDeltaRow(string batchId) => MemberDeltaPrefix + batchId;

    /// <summary>A data point ledger partition: one workspace, partner and UTC day, spread over a few buckets.</summary>
    public static string DataPointPartition(WorkspaceId workspace, string partner, DateOnly day, int bucket) =>
        Join(DataPointDayPrefix(workspace, partner, day), bucket.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// The ledger partitions of one partner from <paramref name="first"/> to <paramref name="last"/> (every bucket),
    /// as one PartitionKey range: days are fixed-width, and <c>|</c> sorts after every digit, so the range holds
    /// exactly those days and no other partner's rows (a slug cannot contain <c>|</c>).
    /// </summary>
    public static (string From, string ToExclusive) DataPointRange(WorkspaceId workspace, string partner, DateOnly first, DateOnly last) =>
        (DataPointDayPrefix(workspace, partner, first) + Separator,
         last == DateOnly.MaxValue ? Join(workspace.Value, partner) + (char)(Separator + 1) : DataPointDayPrefix(workspace, partner, last.AddDays(1)) + Separator);

    /// <summary>The UTC day of a ledger partition built by <see cref="DataPointPartition"/>.</summary>
    public static bool TryParseDataPointDay(string partition, out DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(partition);
        var end = partition.LastIndexOf(Separator);
        var start = end > 0 ? partition.LastIndexOf(Separator, end - 1) + 1 : -1;
        day = default;
        return start > 0 && DateOnly.TryParseExact(partition.AsSpan(start, end - start), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    private static string DataPointDayPrefix(WorkspaceId workspace, string partner, DateOnly day) =>
        Join(workspace.Value, partner, day.ToString("yyyyMMdd", CultureInfo.InvariantCulture));

    /// <summary>A saved segment: one partition per workspace, a row per segment id.</summary>
    public static (string PartitionKey, string RowKey) Segment(WorkspaceId workspace, string segmentId) => (SegmentPartition(workspace), segmentId);

    /// <summary>The partition of every segment of a workspace.</summary>
    public static string SegmentPartition(WorkspaceId workspace) => workspace.Value;

    /// <summary>One bucket of a cohort's pending identifiers.</summary>
    public static string PendingPartition(WorkspaceId workspace, CohortRef cohort, int bucket)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        return Join(workspace.Value, cohort.Partner, KeyEncoding.Encode(cohort.CohortId), bucket.ToString("x", CultureInfo.InvariantCulture));
    }

    /// <summary>The row of one pending identifier within its cohort: the identifier's own row key, as in the index.</summary>
    public static string PendingRow(Identifier identifier) => IdentifierRow(identifier);

    /// <summary>Buckets of a workspace's sync history per UTC day (<see cref="HistoryPartition"/>).</summary>
    public const int HistoryBuckets = 8;

    /// <summary>RowKey prefix of the sync history rows in time order, the workspace feed's.</summary>
    public const string HistoryFeedPrefix = "t|";

    /// <summary>
    /// One partition of a workspace's sync history: a UTC day and one of <see cref="HistoryBuckets"/> buckets, the
    /// bucket chosen by the cohort (<see cref="HistoryBucket"/>). Days bound every read and let retention delete
    /// whole days of one workspace as a PartitionKey range; buckets keep a workspace whose cohorts all sync at once
    /// from writing into a single partition (about 2,000 entities a second each); a cohort's records stay in one
    /// bucket, so its history is one range read per day.
    /// </summary>
    public static string HistoryPartition(WorkspaceId workspace, DateOnly day, int bucket) =>
        Join(workspace.Value, day.ToString("yyyyMMdd", CultureInfo.InvariantCulture), bucket.ToString(CultureInfo.InvariantCulture));

    /// <summary>The bucket of a cohort's history (of a partner's calls that named no valid cohort when null): a stable hash.</summary>
    public static int HistoryBucket(string partner, string? cohortId) =>
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(partner + Separator + (cohortId ?? "")))[0] % HistoryBuckets;

    /// <summary>
    /// Every history partition of a workspace's days before <paramref name="firstDayKept"/>, as one PartitionKey range:
    /// days are fixed-width and follow <c>{workspace}|</c>, which no other workspace's partitions start with (a
    /// workspace id cannot contain <c>|</c>).
    /// </summary>
    public static (string From, string ToExclusive) HistoryDaysBefore(WorkspaceId workspace, DateOnly firstDayKept) =>
        (workspace.Value + Separator, Join(workspace.Value, firstDayKept.ToString("yyyyMMdd", CultureInfo.InvariantCulture)));

    /// <summary>A record's row in the workspace feed: its time key (newest first) after <see cref="HistoryFeedPrefix"/>.</summary>
    public static string HistoryFeedRow(string timeKey) => HistoryFeedPrefix + timeKey;

    /// <summary>The RowKey prefix of one cohort's history rows (in the cohort's bucket), followed by their time keys.</summary>
    public static string HistoryCohortPrefix(CohortRef cohort)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        return Join("c", cohort.Partner, KeyEncoding.Encode(cohort.CohortId)) + Separator;
    }

    /// <summary>A record's row in its cohort's history.</summary>
    public static string HistoryCohortRow(CohortRef cohort, string timeKey) => HistoryCohortPrefix(cohort) + timeKey;

    /// <summary>
    /// The first RowKey after every key that starts with <paramref name="prefix"/> followed by
    /// <paramref name="invertedTicks"/>: ends a range at the oldest time wanted (time keys are fixed-width digits, then
    /// <c>|</c> and the record id, and a later character ends the prefix).
    /// </summary>
    public static string HistoryRowsThrough(string prefix, string invertedTicks) => prefix + invertedTicks + (char)(Separator + 1);

    /// <summary>The row holding where the history retention sweep stopped (a partition no workspace id can take).</summary>
    public static (string PartitionKey, string RowKey) HistorySweepCursor => ("~history-sweep", "cursor");

    /// <summary>The row holding the maintenance timer's progress (a partition no workspace id can take).</summary>
    public static (string PartitionKey, string RowKey) MaintenanceCursor => ("~maintenance", "cursor");

    /// <summary>
    /// The code of an identifier's kind in keys and rows: <c>x</c> (external id), <c>d</c> (device id), <c>a</c> (alias).
    /// </summary>
    public static string KindCode(IdentifierKind kind) => kind switch
    {
        IdentifierKind.ExternalId => "x",
        IdentifierKind.DeviceId => "d",
        IdentifierKind.Alias => "a",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown identifier kind."),
    };

    /// <summary>An identifier without its workspace: kind code and encoded value, the alias label before its name.</summary>
    private static string IdentifierRow(Identifier identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var code = KindCode(identifier.Kind);
        return identifier.Kind == IdentifierKind.Alias
            ? Join(code, KeyEncoding.Encode(identifier.AliasLabel ?? ""), KeyEncoding.Encode(identifier.Value))
            : Join(code, KeyEncoding.Encode(identifier.Value));
    }

    private static string Join(params ReadOnlySpan<string> fragments) => string.Join(Separator, fragments);
}
