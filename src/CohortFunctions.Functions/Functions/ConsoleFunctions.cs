using CohortFunctions.App.Http;
using CohortFunctions.App.OperatorConsole;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.App.Functions;

/// <summary>
/// The operator console's static files (docs/console.md). Anonymous at the Functions level like <c>/health</c>: they
/// hold no data; every call the page makes goes to the <c>manage/</c> API with the operator's function key.
/// </summary>
internal sealed class ConsoleFunctions(ConsoleAssets assets)
{
    /// <summary>
    /// One function for the page (<c>/console</c>, <c>/console/</c>) and its files: a catch-all matches the empty path
    /// too, so a second function for the page would make <c>/console</c> match two routes (see <see cref="Routes"/>).
    /// </summary>
    [Function(nameof(ConsoleFiles))]
    public IActionResult ConsoleFiles(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Console)] HttpRequest request,
        string? asset) =>
        assets.Find(asset) is { } found
            ? new ConsoleAssetResult(found)
            : ApiResponses.Error(StatusCodes.Status404NotFound, "Not found.");
}
