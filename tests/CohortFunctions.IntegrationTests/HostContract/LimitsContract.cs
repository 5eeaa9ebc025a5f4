using System.Net;
using System.Text;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.IntegrationTests.RealHost;

namespace CohortFunctions.IntegrationTests.HostContract;

/// <summary>
/// Bodies the app refuses, refused the same on both hosts: over 4 MiB is the app's JSON 413 up to the servers' own
/// limit (100 MB, the Functions host's default), announced or chunked; a body that is not a JSON object is a 400.
/// Under the Functions host the worker must read a refused body to its end, or the host fails the request with a 500.
/// </summary>
public abstract class LimitsContract(HostFixture fixture)
{
    private const int MiB = 1024 * 1024;

    private readonly IAppUnderTest _app = fixture.App;

    [Theory]
    [InlineData((4 * MiB) + 1, false)]
    [InlineData((4 * MiB) + 1, true)]
    [InlineData(40 * MiB, false)]
    [InlineData(40 * MiB, true)]
    public async Task Postback_BodyOver4MiB_Returns413Json(int size, bool chunked)
    {
        // Act
        using var response = await PostAsync("partners/amplitude/cohorts/users", Padded(size), chunked);

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("Request body is larger than 4 MiB.", await response.ReadErrorMessageAsync());
    }

    [Fact]
    public async Task ManagementEndpoint_ChunkedBodyFarOver4MiB_Returns413Json()
    {
        // Act
        using var response = await PostAsync($"manage/workspaces/{TestIds.Workspace()}/users", Padded(24 * MiB), chunked: true);

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("Request body is larger than 4 MiB.", await response.ReadErrorMessageAsync());
    }

    [Theory]
    [InlineData("partners/amplitude/cohorts", "")]
    [InlineData("partners/amplitude/cohorts/users", "not json")]
    [InlineData("partners/amplitude/cohorts/users", "[1, 2]")]
    [InlineData("partners/amplitude/cohorts/users", "{\"cohort_id\": ")]
    [InlineData("manage/workspaces/acme/users", "\"a string\"")]
    [InlineData("manage/workspaces/acme/segments", "{")]
    public async Task AnyBodyEndpoint_NotAJsonObject_Returns400(string path, string body)
    {
        // Act
        using var response = await PostAsync(path, Encoding.UTF8.GetBytes(body), chunked: false);

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Request body must be a JSON object.", await response.ReadErrorMessageAsync());
    }

    private async Task<HttpResponseMessage> PostAsync(string path, byte[] body, bool chunked)
    {
        HttpContent content = chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        return await _app.Client.SendAsync(request);
    }

    /// <summary>A JSON object of exactly <paramref name="size"/> bytes.</summary>
    private static byte[] Padded(int size)
    {
        var bytes = new byte[size];
        bytes.AsSpan().Fill((byte)'x');
        "{\"p\":\""u8.CopyTo(bytes);
        "\"}"u8.CopyTo(bytes.AsSpan(size - 2));
        return bytes;
    }

    /// <summary>A stream that hides its length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}

public sealed class LimitsContractOnLocalHost(LocalHostFixture fixture) : LimitsContract(fixture), IClassFixture<LocalHostFixture>;

[Trait("Host", "Real")]
public sealed class LimitsContractOnRealHost(RealHostFixture fixture) : LimitsContract(fixture), IClassFixture<RealHostFixture>;
