using System.Net;
using System.Net.Http.Headers;
using CohortFunctions.App.OperatorConsole;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Console;

/// <summary>The console's files over HTTP: anonymous, typed, revalidated by ETag, under a strict Content-Security-Policy.</summary>
public sealed class ConsoleStaticFileTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;

    public static TheoryData<string, string> Files() => new()
    {
        { "console", "text/html" },
        { "console/", "text/html" },
        { "console/index.html", "text/html" },
        { "console/app.js", "text/javascript" },
        { "console/pages/segment.js", "text/javascript" },
        { "console/console.css", "text/css" },
        { "console/icon.svg", "image/svg+xml" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Get_ConsoleFileWithoutAnyKey_ServedWithTypeEtagAndPolicy(string path, string mediaType)
    {
        // Act
        using var response = await _app.CreateClient(withFunctionKey: false).GetAsync(new Uri(path, UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        Assert.True(response.Headers.CacheControl?.NoCache, "Console files must be revalidated (no-cache).");
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(ConsoleAssetResult.ContentSecurityPolicy, policy);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("http", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task Get_SameEtag_Answers304WithoutABody()
    {
        // Arrange
        var client = _app.CreateClient(withFunctionKey: false);
        using var first = await client.GetAsync(new Uri("console/app.js", UriKind.Relative));
        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri("console/app.js", UriKind.Relative));
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        // Act
        using var response = await client.SendAsync(again);

        // Assert
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(first.Headers.ETag, response.Headers.ETag);
    }

    [Theory]
    [InlineData("console/nope.js")]
    [InlineData("console/lib")]
    [InlineData("console/%2e%2e/host.json")]
    public async Task Get_NotAConsoleFile_Returns404Json(string path)
    {
        // Act
        using var response = await _app.CreateClient(withFunctionKey: false).GetAsync(new Uri(path, UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(await response.ReadErrorMessageAsync()));
    }

    [Fact]
    public async Task Get_DotSegmentsOutOfTheConsole_ReachOnlyWhatTheNormalisedPathNames()
    {
        // Act: the client resolves "console/../manage/workspaces" to the keyed management route.
        using var response = await _app.CreateClient(withFunctionKey: false).GetAsync(new Uri("console/../manage/workspaces", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Post_ConsolePage_Returns405()
    {
        // Act
        using var response = await _app.CreateClient(withFunctionKey: false).PostAsync(new Uri("console", UriKind.Relative), new StringContent("{}", MediaTypeHeaderValue.Parse("application/json")));

        // Assert
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public void Assets_EveryModuleTheConsoleImports_IsEmbedded()
    {
        // Arrange: every relative import in every module must name an embedded file.
        var assets = new ConsoleAssets();
        var imports = assets.Paths.Where(p => p.EndsWith(".js", StringComparison.Ordinal)).SelectMany(p =>
        {
            var text = System.Text.Encoding.UTF8.GetString(assets.Find(p)!.Content);
            var directory = Path.GetDirectoryName(p)!;
            return System.Text.RegularExpressions.Regex.Matches(text, @"from '(\.{1,2}/[^']+)'")
                .Select(m => Path.GetRelativePath(".", Path.Combine(directory, m.Groups[1].Value)).Replace('\\', '/'));
        }).Distinct().ToList();

        // Assert
        Assert.NotEmpty(imports);
        Assert.All(imports, path => Assert.NotNull(assets.Find(path)));
    }
}
