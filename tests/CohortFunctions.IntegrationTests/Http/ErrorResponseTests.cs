using System.Net;
using System.Text;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Http;

/// <summary>What callers get when a request is wrong: JSON errors with the right status, never an HTML page or an empty body.</summary>
public sealed class ErrorResponseTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const int FourMiB = 4 * 1024 * 1024;

    private readonly TestApp _app = fixture.App;

    [Theory]
    [InlineData("GET", "nothing-here")]
    [InlineData("POST", "manage/workspaces/acme")]
    [InlineData("GET", "manage/workspaces/acme/partners/amplitude/keys/k1/extra")]
    public async Task UnknownRoute_Returns404Json(string method, string path)
    {
        // Arrange
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));

        // Act
        using var response = await _app.Client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await response.ReadErrorMessageAsync();
    }

    [Theory]
    [InlineData("DELETE", "health", "GET")]
    [InlineData("PUT", "manage/workspaces/acme/partners/amplitude/keys", "GET, POST")]
    [InlineData("POST", "manage/workspaces/acme/partners/amplitude/keys/0123456789abcdef", "DELETE")]
    public async Task KnownRoute_WrongMethod_Returns405WithAllow(string method, string path, string allow)
    {
        // Arrange
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));

        // Act
        using var response = await _app.Client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
        await response.ReadErrorMessageAsync();
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"a\": 1,}")]
    [InlineData("[1, 2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("not json")]
    public async Task CreateKey_MalformedOrNonObjectBody_Returns400(string body)
    {
        // Arrange
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        // Act
        using var response = await _app.Client.PostAsync(new Uri(ManageRoutes.Keys(TestIds.Workspace(), "amplitude"), UriKind.Relative), content);

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.BadRequest);
        await response.ReadErrorMessageAsync();
    }

    [Fact]
    public async Task CreateKey_BodyOver4MiB_Returns413()
    {
        // Arrange
        using var content = new ByteArrayContent(JsonObjectOfSize(FourMiB + 1));
        content.Headers.ContentType = new("application/json");

        // Act
        using var response = await _app.Client.PostAsync(new Uri(ManageRoutes.Keys(TestIds.Workspace(), "amplitude"), UriKind.Relative), content);

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.RequestEntityTooLarge);
        await response.ReadErrorMessageAsync();
    }

    [Fact]
    public async Task CreateKey_ChunkedBodyOver4MiB_Returns413()
    {
        // Arrange: no Content-Length, so only counting what is read can catch it.
        using var content = new StreamContent(new UnknownLengthStream(JsonObjectOfSize(FourMiB + 1)));
        content.Headers.ContentType = new("application/json");

        // Act
        using var response = await _app.Client.PostAsync(new Uri(ManageRoutes.Keys(TestIds.Workspace(), "amplitude"), UriKind.Relative), content);

        // Assert
        Assert.True(response.RequestMessage?.Headers.TransferEncodingChunked, "The request was expected to be sent chunked.");
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.RequestEntityTooLarge);
        await response.ReadErrorMessageAsync();
    }

    [Fact]
    public async Task CreateKey_BodyOfExactly4MiB_Returns201()
    {
        // Arrange
        using var content = new ByteArrayContent(JsonObjectOfSize(FourMiB));
        content.Headers.ContentType = new("application/json");

        // Act
        using var response = await _app.Client.PostAsync(new Uri(ManageRoutes.Keys(TestIds.Workspace(), "amplitude"), UriKind.Relative), content);

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.Created);
    }

    /// <summary>A valid JSON object of exactly <paramref name="size"/> bytes.</summary>
    private static byte[] JsonObjectOfSize(int size)
    {
        var prefix = "{\"padding\":\""u8.ToArray();
        var suffix = "\"}"u8.ToArray();
        var bytes = new byte[size];
        prefix.CopyTo(bytes, 0);
        bytes.AsSpan(prefix.Length, size - prefix.Length - suffix.Length).Fill((byte)'x');
        suffix.CopyTo(bytes, size - suffix.Length);
        return bytes;
    }

    /// <summary>A stream that hides its length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
