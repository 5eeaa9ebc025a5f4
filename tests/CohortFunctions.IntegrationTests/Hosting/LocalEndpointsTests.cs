using CohortFunctions.App.Hosting;
using CohortFunctions.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CohortFunctions.IntegrationTests.Hosting;

/// <summary>
/// The local host maps every function of <see cref="FunctionCatalog.App"/> at its route and methods, and nothing else;
/// with <see cref="FunctionsMetadataTests"/> this ties what run.sh serves to what Azure loads.
/// </summary>
public sealed class LocalEndpointsTests
{
    [Fact]
    public async Task Start_LocalHost_MapsExactlyTheCatalogsRoutesAndMethods()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(o => o.UseUnreachableStorage());
        // Every function, and the root that the Functions host answers itself (any method).
        var expected = FunctionCatalog.App.Http
            .Select(f => $"{f.Route} {string.Join(",", f.Methods.Order(StringComparer.Ordinal))}")
            .Append("/ ")
            .Order(StringComparer.Ordinal);

        // Act
        var mapped = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => $"{e.RoutePattern.RawText} {string.Join(",", (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Order(StringComparer.Ordinal))}")
            .Order(StringComparer.Ordinal);

        // Assert
        Assert.Equal(expected, mapped);
    }
}
