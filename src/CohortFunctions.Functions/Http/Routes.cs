namespace CohortFunctions.App.Http;

/// <summary>
/// Every route of the app. host.json sets an empty route prefix, so these sit at the app root: the partner routes
/// exactly where Braze has them, the management API under <c>manage/</c> (the host reserves <c>admin/</c>).
/// </summary>
public static class Routes
{
    public const string Health = "health";

    public const string ImportKeys = "manage/workspaces/{workspace}/partners/{partner}/keys";

    public const string ImportKey = "manage/workspaces/{workspace}/partners/{partner}/keys/{keyId}";

    /// <summary>Everything no other function matches, to answer 404 and 405 as JSON.</summary>
    public const string Fallback = "{*path}";
}
