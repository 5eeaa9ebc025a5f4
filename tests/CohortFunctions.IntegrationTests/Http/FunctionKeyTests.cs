using System.Net;
using System.Text.RegularExpressions;
using CohortFunctions.App.Hosting;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Http;

/// <summary>With <c>LocalHost__FunctionKey</c> set, the local host asks for a function key as Azure does for AuthorizationLevel.Function.</summary>
public sealed partial class FunctionKeyTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;

    public static TheoryData<string, string> KeyedFunctions()
    {
        var data = new TheoryData<string, string>();
        foreach (var function in FunctionCatalog.App.Http.Where(f => f.RequiresKey))
        {
            foreach (var method in function.Methods)
            {
                data.Add(method, RouteParameter().Replace(function.Route, "x1"));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KeyedFunctions))]
    public async Task AnyKeyedFunction_WithoutFunctionKey_Returns401(string method, string path)
    {
        // Arrange
        var client = _app.CreateClient(withFunctionKey: false);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));

        // Act
        using var response = await client.SendAsync(request);

        // Assert: a bare 401, as the Functions host answers.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ListKeys_WrongFunctionKey_Returns401()
    {
        // Arrange
        var client = _app.CreateClient(withFunctionKey: false);
        client.DefaultRequestHeaders.Add("x-functions-key", _app.FunctionKey + "x");

        // Act
        using var response = await client.GetAsync(new Uri(ManageRoutes.Keys(TestIds.Workspace(), "amplitude"), UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ListKeys_FunctionKeyInHeader_Returns200()
    {
        // Arrange
        var client = _app.CreateClient(withFunctionKey: false);
        client.DefaultRequestHeaders.Add("x-functions-key", _app.FunctionKey);

        // Act
        using var response = await client.GetAsync(new Uri(ManageRoutes.Keys(TestIds.Workspace(), "amplitude"), UriKind.Relative));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task ListKeys_FunctionKeyInCodeQuery_Returns200()
    {
        // Arrange
        var client = _app.CreateClient(withFunctionKey: false);
        var path = $"{ManageRoutes.Keys(TestIds.Workspace(), "amplitude")}?code={Uri.EscapeDataString(_app.FunctionKey!)}";

        // Act
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Health_WithoutFunctionKey_Returns200()
    {
        // Arrange
        var client = _app.CreateClient(withFunctionKey: false);

        // Act
        using var response = await client.GetAsync(new Uri("health", UriKind.Relative));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task ListKeys_NoFunctionKeyConfigured_Returns200WithoutKey()
    {
        // Arrange
        await using var open = await TestApp.StartAsync(o => o.Remove(TestAppBuilder.FunctionKeyKey));
        var client = open.CreateClient(withFunctionKey: false);

        // Act
        using var response = await client.GetAsync(new Uri(ManageRoutes.Keys(TestIds.Workspace(), "amplitude"), UriKind.Relative));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
