using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Resync;
using CohortFunctions.Workspaces;

namespace CohortFunctions.IntegrationTests.Resync;

/// <summary>What <see cref="FaultyPendingStore"/> should fail, armed by a test and used up by the failure.</summary>
public sealed class PendingFaults
{
    private readonly Lock _gate = new();
    private string? _method;
    private string? _workspace;
    private int _callsLeft;

    /// <summary>Makes the <paramref name="call"/>-th call (1-based) of <paramref name="method"/> for <paramref name="workspace"/> throw.</summary>
    public void Arm(string method, string workspace, int call)
    {
        lock (_gate)
        {
            (_method, _workspace, _callsLeft) = (method, workspace, call);
        }
    }

    public void Disarm()
    {
        lock (_gate)
        {
            _method = null;
        }
    }

    /// <summary>Throws when this call is the armed one.</summary>
    internal void Check(string method, WorkspaceId workspace)
    {
        lock (_gate)
        {
            if (_method != method || _workspace != workspace.Value || --_callsLeft > 0)
            {
                return;
            }

            _method = null;
        }

        throw new InjectedFaultException($"Injected failure of {method}: the process died here.");
    }
}

public sealed class InjectedFaultException(string message) : Exception(message);

/// <summary>
/// The app's pending store with failures injected where a test asks for them, to stop a resync pass at a chosen
/// point as a crash or a storage outage would: e.g. after a step's changes committed but before its pending rows were
/// deleted.
/// </summary>
internal sealed class FaultyPendingStore(IPendingStore inner, PendingFaults faults) : IPendingStore
{
    public const string Read = nameof(ReadAsync);

    public const string Delete = nameof(DeleteAsync);

    public Task RecordAsync(WorkspaceId workspace, CohortRef cohort, IReadOnlyList<IdentifierIntent> unmatched, DateTimeOffset at, CancellationToken cancellationToken) =>
        inner.RecordAsync(workspace, cohort, unmatched, at, cancellationToken);

    public Task SupersedeAsync(WorkspaceId workspace, CohortRef cohort, IReadOnlyList<Identifier> applied, DateTimeOffset at, CancellationToken cancellationToken) =>
        inner.SupersedeAsync(workspace, cohort, applied, at, cancellationToken);

    public Task<(IReadOnlyList<PendingIdentifier> Rows, PendingCursor Next)> ReadAsync(WorkspaceId workspace, CohortRef cohort, PendingCursor cursor, int max, CancellationToken cancellationToken)
    {
        faults.Check(Read, workspace);
        return inner.ReadAsync(workspace, cohort, cursor, max, cancellationToken);
    }

    public Task<int> DeleteAsync(WorkspaceId workspace, CohortRef cohort, IReadOnlyList<PendingIdentifier> rows, CancellationToken cancellationToken)
    {
        faults.Check(Delete, workspace);
        return inner.DeleteAsync(workspace, cohort, rows, cancellationToken);
    }

    public Task<bool> AnyAsync(WorkspaceId workspace, CohortRef cohort, CancellationToken cancellationToken) =>
        inner.AnyAsync(workspace, cohort, cancellationToken);

    public Task<IReadOnlyList<PendingIdentifier>> FindAsync(WorkspaceId workspace, CohortRef cohort, IReadOnlyList<Identifier> identifiers, CancellationToken cancellationToken) =>
        inner.FindAsync(workspace, cohort, identifiers, cancellationToken);
}
