using CohortFunctions.ImportKeys;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CohortFunctions.History;

/// <summary>
/// Removes sync history older than <see cref="HistoryOptions.RetentionDays"/>, for the maintenance timer. Workspace
/// by workspace (every workspace that has a data import key, valid or not: only a keyed call is recorded, resync
/// passes run only in workspaces whose postbacks created cohorts), each a range of that workspace's own partitions,
/// so no other workspace's rows are read. Whole UTC days go at once: a record is removed within a day after it
/// expires, and reads never show expired records in the meantime. A sweep cut short by its deadline saves the
/// workspace it stopped at and the next one resumes there.
/// </summary>
internal sealed partial class HistoryRetention(
    ISyncHistoryStore store,
    IImportKeyStore keys,
    TimeProvider time,
    IOptions<HistoryOptions> options,
    ILogger<HistoryRetention> logger)
{
    public async Task<HistorySweep> SweepAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var firstDayKept = DateOnly.FromDateTime((time.GetUtcNow() - options.Value.Retention).UtcDateTime);
        var cursor = await store.LoadSweepCursorAsync(cancellationToken).ConfigureAwait(false);
        var workspaces = (await keys.ListWorkspacesAsync(cancellationToken).ConfigureAwait(false))
            .Where(w => cursor is null || string.CompareOrdinal(w.Value, cursor) >= 0)
            .OrderBy(w => w.Value, StringComparer.Ordinal)
            .ToList();
        int visited = 0, deleted = 0, failed = 0;
        string? stoppedAt = null;
        foreach (var workspace in workspaces)
        {
            if (time.GetUtcNow() >= deadline)
            {
                stoppedAt = workspace.Value;
                break;
            }

            try
            {
                var (count, complete) = await store.PurgeAsync(workspace, firstDayKept, deadline, time, cancellationToken).ConfigureAwait(false);
                deleted += count;
                visited++;
                if (!complete)
                {
                    stoppedAt = workspace.Value;
                    break;
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Like the rest of maintenance: one workspace that fails is logged and passed over until the next run.
                Log.WorkspaceFailed(logger, workspace.Value, ex);
                failed++;
            }
        }

        if (!string.Equals(stoppedAt, cursor, StringComparison.Ordinal))
        {
            await store.SaveSweepCursorAsync(stoppedAt, cancellationToken).ConfigureAwait(false);
        }

        return new HistorySweep(visited, deleted, failed, stoppedAt is null);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Sync history retention failed in workspace {Workspace}; going on with the next workspace")]
        public static partial void WorkspaceFailed(ILogger logger, string workspace, Exception exception);
    }
}
