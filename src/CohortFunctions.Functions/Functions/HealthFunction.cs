using CohortFunctions.App.Http;
using CohortFunctions.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.App.Functions;

/// <summary><c>GET /health</c>: 200 while table storage answers, 503 otherwise (for load balancers and probes).</summary>
internal sealed class HealthFunction(StorageHealth health)
{
    internal sealed record HealthBody(string Status);

    [Function(nameof(Health))]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Health)] HttpRequest request)
    {
        var cancellationToken = RequestDeadline.Token(request);
        return await health.IsHealthyAsync(cancellationToken).ConfigureAwait(false)
            ? ApiResponses.Ok(new HealthBody("healthy"))
            : new ApiResult(
                StatusCodes.Status503ServiceUnavailable,
                new HealthBody("unhealthy"),
                new Dictionary<string, string> { ["Retry-After"] = UnhandledErrors.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }
}
