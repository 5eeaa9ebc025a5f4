using CohortFunctions.App.Http;
using CohortFunctions.DataPoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.App.Functions;

/// <summary>Data points counted for a workspace (management API, function key).</summary>
internal sealed class DataPointFunctions(DataPointService dataPoints)
{
    internal sealed record DayBody(string Date, string Partner, long Count);

    internal sealed record ReportBody(long Total, IReadOnlyList<DayBody> Days);

    [Function(nameof(GetDataPoints))]
    public async Task<IActionResult> GetDataPoints(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.DataPoints)] HttpRequest request,
        string workspace)
    {
        var cancellationToken = RequestDeadline.Token(request);
        ArgumentNullException.ThrowIfNull(request);
        var report = await dataPoints.ReportAsync(workspace, request.Query["from"], request.Query["to"], cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(report, r => ApiResponses.Ok(new ReportBody(
            r.Total,
            [.. r.Days.Select(d => new DayBody(d.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), d.Partner, d.Count))])));
    }
}
