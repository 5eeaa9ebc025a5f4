using CohortFunctions.Workspaces;

namespace CohortFunctions.DataPoints;

/// <summary>
/// The data point ledger (port; <c>AzureTableDataPointLedger</c> is the adapter): a row per committed membership
/// batch, keyed by the batch id, so recording the same batch twice counts it once.
/// </summary>
internal interface IDataPointLedger
{
    Task RecordAsync(WorkspaceId workspace, string partner, DateOnly day, IReadOnlyList<DataPointEntry> entries, CancellationToken cancellationToken);

    Task<IReadOnlyList<DataPointDay>> QueryAsync(WorkspaceId workspace, IReadOnlyList<string> partners, DateOnly first, DateOnly last, CancellationToken cancellationToken);
}
