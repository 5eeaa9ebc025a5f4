using CohortFunctions.Identifiers;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Matching;

/// <summary>
/// The identifier index: one row per external id, device id and alias, each in its own partition, so resolving a
/// postback's identifiers is one point read each and no partition is hot. Written by the users feature; read by
/// matching.
/// </summary>
internal interface IIdentifierIndex
{
    Task<IdentifierOwner?> FindAsync(WorkspaceId workspace, Identifier identifier, CancellationToken cancellationToken);
}
