using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>Reads the identifier index: one point read per identifier.</summary>
internal sealed class AzureTableIdentifierIndex(StorageTables tables) : IIdentifierIndex
{
    public async Task<IdentifierOwner?> FindAsync(WorkspaceId workspace, Identifier identifier, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(tables.Names.Identifiers, cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.Identifier(workspace, identifier);
        var found = await table.GetEntityIfExistsAsync<IdentifierEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue && found.Value!.Holds(identifier) ? found.Value.ToOwner() : null;
    }
}
