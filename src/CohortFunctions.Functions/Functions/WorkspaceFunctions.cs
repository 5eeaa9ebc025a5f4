using CohortFunctions.App.Http;
using CohortFunctions.ImportKeys;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.App.Functions;

/// <summary>The workspaces of the installation (management API, function key): a workspace exists once it has a key.</summary>
internal sealed class WorkspaceFunctions(ImportKeyService keys)
{
    internal sealed record WorkspaceBody(string Workspace);

    internal sealed record WorkspacesBody(IReadOnlyList<WorkspaceBody> Workspaces);

    [Function(nameof(ListWorkspaces))]
    public async Task<IActionResult> ListWorkspaces(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Workspaces)] HttpRequest request)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var workspaces = await keys.ListWorkspacesAsync(cancellationToken).ConfigureAwait(false);
        return ApiResponses.Ok(new WorkspacesBody([.. workspaces.Select(w => new WorkspaceBody(w.Value))]));
    }
}
