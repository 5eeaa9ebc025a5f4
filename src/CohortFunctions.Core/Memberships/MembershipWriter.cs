using System.Collections.Concurrent;
using CohortFunctions.Cohorts;
using CohortFunctions.DataPoints;
using CohortFunctions.Telemetry;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Memberships;

/// <summary>
/// The one way memberships are written: applies resolved changes to a cohort, one store call per user shard in
/// parallel (exact counts, one transaction per ≤ 99 changes), then records the data points of the batches that
/// committed (and counts them in telemetry, <see cref="CohortMetrics.DataPointsRecorded"/>). Postbacks, resync passes
/// and the users feature's merges and deletions all write through here.
/// </summary>
internal sealed class MembershipWriter(IMembershipStore memberships, IDataPointLedger ledger, CohortMetrics metrics)
{
    /// <summary>What the changes did; only effective changes count as added or removed.</summary>
    /// <remarks>
    /// When a shard fails, the batches that did commit are still recorded in the ledger before the failure is thrown,
    /// so they are counted now and not only at the next maintenance.
    /// </remarks>
    public async Task<MembershipResult> ApplyAsync(
        WorkspaceId workspace,
        CohortRef cohort,
        IReadOnlyList<MembershipChange> changes,
        ChangeOrigin origin,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(origin);
        var results = new ConcurrentBag<MembershipResult>();
        var entries = new ConcurrentBag<DataPointEntry>();
        try
        {
            await Parallel.ForEachAsync(
                changes.GroupBy(c => c.User.Shard),
                new ParallelOptions { MaxDegreeOfParallelism = UserId.ShardCount, CancellationToken = cancellationToken },
                async (shard, ct) =>
                {
                    var (result, dataPoints) = await memberships.ApplyAsync(workspace, cohort, shard.Key, [.. shard], origin, ct).ConfigureAwait(false);
                    results.Add(result);
                    foreach (var entry in dataPoints)
                    {
                        entries.Add(entry);
                    }
                }).ConfigureAwait(false);
        }
        finally
        {
            // Not past the caller's deadline (storage may be what hangs): maintenance restores ledger rows that were
            // not written from the delta rows committed with their batches.
            if (!entries.IsEmpty)
            {
                // Counted as committed: a ledger row that fails to be written here is restored by maintenance.
                metrics.DataPointsRecorded(MetricScope.Of(workspace, cohort.Partner), origin.Source, entries.Sum(e => e.Count));
                await ledger.RecordAsync(workspace, cohort.Partner, origin.Day, [.. entries], cancellationToken).ConfigureAwait(false);
            }
        }

        return results.Aggregate(MembershipResult.None, (sum, r) => sum.Plus(r));
    }
}
