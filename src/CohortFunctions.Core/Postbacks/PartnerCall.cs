using System.Text.Json;

namespace CohortFunctions.Postbacks;

/// <summary>A partner request as the partner endpoints hand it over: the partner in the path, the body, the request's id.</summary>
/// <param name="PartnerName">The <c>{partner}</c> of the path.</param>
/// <param name="Body">The request body, a JSON object.</param>
/// <param name="RequestId">The id error answers and logs show, recorded in the sync history.</param>
internal sealed record PartnerCall(string? PartnerName, JsonElement Body, string? RequestId = null)
{
    /// <summary>
    /// Fires only when the sender goes away, not at the request's deadline: the sync history tells a sender that gave
    /// up from a request that ran out of time.
    /// </summary>
    public CancellationToken SenderGone { get; init; }
}
