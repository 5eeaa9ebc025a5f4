using Azure.Data.Tables;
using CohortFunctions.DataPoints;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>
/// The data point ledger in Table Storage. A postback's ledger rows go to one of <see cref="Buckets"/> partitions
/// of its workspace, partner and day (chosen by the postback id), in one transaction; concurrent postbacks spread
/// over the buckets, so no single row or partition serialises them. The membership delta rows carry the same
/// counts and batch ids, so the ledger can be rebuilt from them if a process dies between the two writes.
/// </summary>
internal sealed class AzureTableDataPointLedger(StorageTables tables) : IDataPointLedger
{
    public const int Buckets = 4;

    public async Task RecordAsync(WorkspaceId workspace, string partner, DateOnly day, IReadOnlyList<DataPointEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var table = await Table(cancellationToken).ConfigureAwait(false);
        foreach (var group in entries.GroupBy(e => Bucket(e.PostbackId)))
        {
            var partition = StorageKeys.DataPointPartition(workspace, partner, day, group.Key);
            foreach (var chunk in group.Chunk(100))
            {
                var actions = chunk.Select(e => new TableTransactionAction(
                    TableTransactionActionType.UpsertReplace,
                    new DataPointEntity { PartitionKey = partition, RowKey = e.BatchId, Count = e.Count, PostbackId = e.PostbackId }));
                await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One PartitionKey range query per partner, however many days the report covers.</summary>
    public async Task<IReadOnlyList<DataPointDay>> QueryAsync(WorkspaceId workspace, IReadOnlyList<string> partners, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partners);
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var perPartner = await Task.WhenAll(partners.Select(async partner =>
        {
            var (from, to) = StorageKeys.DataPointRange(workspace, partner, first, last);
            var days = new SortedDictionary<DateOnly, long>();
            await foreach (var row in table.QueryAsync<DataPointEntity>(
                e => e.PartitionKey.CompareTo(from) >= 0 && e.PartitionKey.CompareTo(to) < 0,
                select: ["PartitionKey", nameof(DataPointEntity.Count)],
                cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (StorageKeys.TryParseDataPointDay(row.PartitionKey, out var day))
                {
                    days[day] = days.GetValueOrDefault(day) + row.Count;
                }
            }

            return days.Where(d => d.Value > 0).Select(d => new DataPointDay(d.Key, partner, d.Value));
        })).ConfigureAwait(false);
        return [.. perPartner.SelectMany(d => d).OrderBy(d => d.Date).ThenBy(d => d.Partner, StringComparer.Ordinal)];
    }

    /// <summary>Stable across processes (string hash codes are not), so a repair rewrites the same row.</summary>
    private static int Bucket(string postbackId) =>
        postbackId.Length > 0 && char.IsAsciiHexDigit(postbackId[0]) ? Convert.ToInt32(postbackId[..1], 16) % Buckets : 0;

    private ValueTask<TableClient> Table(CancellationToken cancellationToken) => tables.GetAsync(tables.Names.DataPoints, cancellationToken);
}
