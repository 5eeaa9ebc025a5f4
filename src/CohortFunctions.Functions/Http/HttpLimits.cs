namespace CohortFunctions.App.Http;

/// <summary>Limits of the HTTP servers the app runs in, the same under every host.</summary>
internal static class HttpLimits
{
    /// <summary>
    /// The largest request body the servers accept: the Functions host's own default
    /// (<c>FUNCTIONS_REQUEST_BODY_SIZE_LIMIT</c>, 100 MB). The worker's and the local host's Kestrel take the same, so a
    /// body between the app's limit (<see cref="JsonBody.MaxBytes"/>) and this one is answered 413 by the app everywhere.
    /// </summary>
    public const long MaxRequestBodyBytes = 104_857_600;
}
