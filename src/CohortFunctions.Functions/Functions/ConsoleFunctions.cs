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
public sealed class ConsoleFunctions(ConsoleAssets assets)
{
    [Function(nameof(ConsolePage))]
    public IActionResult ConsolePage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Console)] HttpRequest request) =>
        new ConsoleAssetResult(assets.Find(ConsoleAssets.IndexPath)!);

    [Function(nameof(ConsoleFile))]
    public IActionResult ConsoleFile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.ConsoleAsset)] HttpRequest request,
        string? asset) =>
        assets.Find(asset) is { } found
            ? new ConsoleAssetResult(found)
            : ApiResponses.Error(StatusCodes.Status404NotFound, "Not found.");
}
