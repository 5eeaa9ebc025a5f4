using CohortFunctions.Partners;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Postbacks;

/// <summary>A partner request whose credentials were accepted: which partner, for which workspace, with which key (its id).</summary>
internal sealed record AuthenticatedPartner(Partner Partner, WorkspaceId Workspace, string KeyId);
