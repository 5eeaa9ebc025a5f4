using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Http;

/// <summary>
/// A request answered without its body being read (a 401 for a missing key, a 404 for an unknown path) still gets
/// its answer when the sender is slow to send the body: the server reads and drops the rest instead of closing the
/// connection under the sender while it is still writing (a broken pipe, no answer at all).
/// </summary>
public sealed class UnreadBodyTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;

    [Theory]
    [InlineData("manage/workspaces/ws1/partners/amplitude/keys", HttpStatusCode.Unauthorized)]
    [InlineData("no/such/route", HttpStatusCode.NotFound)]
    public async Task SlowBody_AnsweredWithoutReadingIt_SenderGetsTheAnswer(string path, HttpStatusCode expected)
    {
        // Arrange: 8 chunks of 64 KiB, 1 s apart: longer than the server's own drain allowance after an answer (5 s).
        var client = _app.CreateClient(withFunctionKey: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new SlowContent(chunks: 8, chunkBytes: 64 * 1024, pause: TimeSpan.FromSeconds(1)),
        };

        // Act
        using var response = await client.SendAsync(request);

        // Assert
        Assert.Equal(expected, response.StatusCode);
    }

    private sealed class SlowContent(int chunks, int chunkBytes, TimeSpan pause) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[chunkBytes];
            Array.Fill(chunk, (byte)' ');
            chunk[0] = (byte)'{';
            for (var i = 0; i < chunks; i++)
            {
                await stream.WriteAsync(chunk);
                await stream.FlushAsync();
                await Task.Delay(pause);
            }

            await stream.WriteAsync("}"u8.ToArray());
        }

        protected override bool TryComputeLength(out long length)
        {
            length = ((long)chunks * chunkBytes) + 1;
            return true;
        }
    }
}
