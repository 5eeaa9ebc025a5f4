using CohortFunctions.App.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.App.Functions;

/// <summary><c>GET /openapi.json</c> (anonymous): the OpenAPI 3.1 description of every endpoint, for integrators' tools.</summary>
internal sealed class OpenApiFunction
{
    [Function(nameof(GetOpenApiDocument))]
    public IActionResult GetOpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OpenApi)] HttpRequest request) =>
        ApiResponses.Ok(OpenApiDocument.Json);
}
