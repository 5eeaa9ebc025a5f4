using CohortFunctions.Workspaces;

namespace CohortFunctions.ImportKeys;

/// <summary>The outcome of resolving a <c>client_secret</c>: the workspace it opens (and which key did), or why not.</summary>
internal sealed record ImportKeyResolution(ImportKeyStatus Status, WorkspaceId Workspace, string KeyHint, string KeyId = "")
{
    public static ImportKeyResolution Unknown { get; } = new(ImportKeyStatus.Unknown, default, "");
}
