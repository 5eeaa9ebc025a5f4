using CohortFunctions.App.Http;
using CohortFunctions.Partners;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace CohortFunctions.App.Functions;

/// <summary>The partners this installation accepts postbacks from (management API, function key).</summary>
internal sealed class PartnerFunctions(PartnerCatalog partners, IOptions<ApiOptions> api)
{
    internal sealed record PartnerBody(string Partner, string DisplayName, string FilterName);

    /// <summary>The partners and the REST endpoint an operator pastes into each of them (the same for all).</summary>
    internal sealed record PartnersBody(string RestEndpoint, IReadOnlyList<PartnerBody> Partners);

    [Function(nameof(ListPartners))]
    public IActionResult ListPartners(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Partners)] HttpRequest request) =>
        ApiResponses.Ok(new PartnersBody(
            api.Value.RestEndpoint(request),
            [.. partners.All.Select(p => new PartnerBody(p.Name, p.DisplayName, p.FilterName))]));
}
