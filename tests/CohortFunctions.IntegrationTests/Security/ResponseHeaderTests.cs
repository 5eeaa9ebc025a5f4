using System.Net;
using System.Net.Sockets;
using System.Text;
using CohortFunctions.ImportKeys;
using CohortFunctions.IntegrationTests.Fuzz;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CohortFunctions.IntegrationTests.Security;

/// <summary>
/// What every answer tells about the server: nothing (no <c>Server</c>, no <c>X-Powered-By</c>, no stack traces),
/// and that it is neither to be cached, sniffed nor framed — on successes, on the app's errors and on its 404/405/413
/// answers. Requests the host refuses before the app sees them (a missing function key: a bare 401, as the Functions
/// host answers; what Kestrel refuses: an empty answer that closes the connection) still carry no <c>Server</c> header.
/// </summary>
public sealed class ResponseHeaderTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task EveryKindOfAnswer_CarriesSecurityHeadersAndNoServerInternals()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        var ws = $"manage/workspaces/{api.Workspace}";
        var key = await _app.Client.CreateKeyAsync(api.Workspace, "mixpanel");
        var anonymous = _app.CreateClient(withFunctionKey: false);
        (string Expected, Func<Task<HttpResponseMessage>> Send)[] calls =
        [
            ("200 health", () => anonymous.GetAsync(new Uri("health", UriKind.Relative))),
            ("200 list", () => _app.Client.GetAsync(new Uri($"{ws}/cohorts", UriKind.Relative))),
            ("201 key", () => _app.Client.PostAsync(new Uri($"{ws}/partners/amplitude/keys", UriKind.Relative), content: null)),
            ("201 postback", () => api.PostChangesRawAsync(api.ChangesBody("c1"))),
            ("204 invalidate", () => _app.Client.DeleteAsync(new Uri($"{ws}/partners/mixpanel/keys/{key.KeyId}", UriKind.Relative))),
            ("400 body", () => _app.Client.PostAsync(new Uri($"{ws}/users", UriKind.Relative), new StringContent("{", Encoding.UTF8, "application/json"))),
            ("400 workspace", () => _app.Client.GetAsync(new Uri("manage/workspaces/Not_Valid/cohorts", UriKind.Relative))),
            ("401 partner key", () => anonymous.PostAsync(new Uri("partners/amplitude/cohorts/users", UriKind.Relative), TestJson.Body(new { partner_api_key = "wrong" }))),
            ("404 no route", () => anonymous.GetAsync(new Uri("no/such/path", UriKind.Relative))),
            ("404 app", () => _app.Client.GetAsync(new Uri($"{ws}/segments/0123456789abcdef", UriKind.Relative))),
            ("405 no route", () => anonymous.DeleteAsync(new Uri("health", UriKind.Relative))),
            ("413 body", () => _app.Client.PostAsync(new Uri("partners/amplitude/cohorts/users", UriKind.Relative), new ByteArrayContent(new byte[(4 * 1024 * 1024) + 1]))),
        ];

        // Act and Assert
        foreach (var (expected, send) in calls)
        {
            using var response = await send();
            Assert.Equal(expected[..3], ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Empty(await ResponseSafety.ProblemsAsync(response, ""));
            Assert.True(response.Headers.TryGetValues("X-Frame-Options", out var frame) && frame.Single() == "DENY", $"{expected}: X-Frame-Options");
            if (response.StatusCode != HttpStatusCode.NoContent)
            {
                Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            }
        }
    }

    [Fact]
    public async Task MissingFunctionKey_BareHost401WithoutServerHeader()
    {
        // Act
        using var response = await _app.CreateClient(withFunctionKey: false).GetAsync(new Uri($"manage/workspaces/{TestIds.Workspace()}/cohorts", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(ResponseSafety.IsFunctionKeyRefusal(response));
        Assert.Empty(await ResponseSafety.ProblemsAsync(response, ""));
    }

    [Fact]
    public async Task UnexpectedErrorAndUnavailableStorage_CarrySecurityHeadersAndNoInternals()
    {
        // Arrange
        await using var failing = await TestApp.StartAsync(o => o.ConfigureServices(
            s => s.Replace(ServiceDescriptor.Singleton<IImportKeyStore>(new ThrowingImportKeyStore()))));
        await using var unreachable = await TestApp.StartAsync(o => o.UseUnreachableStorage());

        // Act
        using var error = await failing.Client.GetAsync(new Uri(ManageRoutes.Keys(TestIds.Workspace(), "amplitude"), UriKind.Relative));
        using var unavailable = await unreachable.Client.GetAsync(new Uri(ManageRoutes.Keys(TestIds.Workspace(), "amplitude"), UriKind.Relative));

        // Assert: the only 5xx the app gives, each with its request id, nothing else about the failure.
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        foreach (var response in new[] { error, unavailable })
        {
            Assert.Equal(["status " + (int)response.StatusCode], await ResponseSafety.ProblemsAsync(response, ""));
            Assert.Equal(["message", "request_id"], (await response.ReadJsonAsync()).PropertyNames());
        }
    }

    [Theory]
    [InlineData("GET /partners/a%00b HTTP/1.1\r\nHost: x\r\n\r\n", 400)]
    [InlineData("GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400)]
    [InlineData("GET /health HTTP/9.9\r\nHost: x\r\n\r\n", 505)]
    [InlineData("LONG", 414)]
    [InlineData("HEADERS", 431)]
    public async Task RequestsKestrelRefuses_GetAnEmptyAnswerWithoutServerHeader(string raw, int status)
    {
        // Arrange
        var request = raw switch
        {
            "LONG" => $"GET /health?x={new string('a', 9000)} HTTP/1.1\r\nHost: x\r\n\r\n",
            "HEADERS" => $"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {new string('a', 40_000)}\r\n\r\n",
            _ => raw,
        };

        // Act
        var answer = await SendRawAsync(request);

        // Assert
        Assert.StartsWith($"HTTP/1.1 {status} ", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("\r\nServer:", answer, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\r\nX-Powered-By:", answer, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("\r\n\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("Content-Length: 0", answer, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Sends bytes no HTTP client would, and reads the answer until the server closes the connection.</summary>
    private async Task<string> SendRawAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_app.BaseAddress.Host, _app.BaseAddress.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await reader.ReadToEndAsync(timeout.Token);
    }

    /// <summary>A store that fails every call with an exception nobody expected.</summary>
    private sealed class ThrowingImportKeyStore : IImportKeyStore
    {
        private static readonly InvalidOperationException Failure = new("detail that must stay in the log");

        public Task AddAsync(StoredImportKey key, CancellationToken cancellationToken) => throw Failure;

        public Task<IReadOnlyList<DataImportKey>> ListAsync(WorkspaceId workspace, string partner, CancellationToken cancellationToken) => throw Failure;

        public Task<IReadOnlyList<WorkspaceId>> ListWorkspacesAsync(CancellationToken cancellationToken) => throw Failure;

        public Task<StoredImportKey?> GetAsync(WorkspaceId workspace, string partner, string keyId, CancellationToken cancellationToken) => throw Failure;

        public Task InvalidateAsync(StoredImportKey key, DateTimeOffset at, CancellationToken cancellationToken) => throw Failure;

        public Task<StoredImportKey?> FindByHashAsync(string secretHash, CancellationToken cancellationToken) => throw Failure;

        public Task RecordLastUsedAsync(DataImportKey key, DateTimeOffset at, CancellationToken cancellationToken) => throw Failure;
    }
}
