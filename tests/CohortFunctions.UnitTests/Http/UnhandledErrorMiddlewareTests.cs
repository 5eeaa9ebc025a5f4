using System.Text.Json;
using Azure;
using CohortFunctions.App.Http;
using CohortFunctions.App.Middleware;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace CohortFunctions.UnitTests.Http;

/// <summary>
/// The worker middleware every HTTP function runs in under the Functions host: the request deadline around the
/// function, and the app's answer to what the function did not expect.
/// </summary>
public sealed class UnhandledErrorMiddlewareTests
{
    /// <summary>Where the ASP.NET Core integration keeps an invocation's <see cref="HttpContext"/>.</summary>
    private const string HttpContextKey = "HttpRequestContext";

    [Fact]
    public async Task Invoke_FunctionFailsOnStorage_503WithRetryAfterAndNoDetails()
    {
        // Arrange
        var http = Http("req-1");

        // Act
        await Middleware().Invoke(Context(http), _ => throw new RequestFailedException(503, "connection string and stack details"));

        // Assert
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal(UnhandledErrors.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), http.Response.Headers.RetryAfter);
        Assert.Equal(UnhandledErrors.UnavailableMessage, Message(http));
        Assert.DoesNotContain("connection string", Body(http), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_FunctionThrowsABug_500WithTheRequestId()
    {
        // Arrange
        var http = Http("req-2");

        // Act
        await Middleware().Invoke(Context(http), _ => throw new InvalidOperationException("a bug"));

        // Assert
        Assert.Equal(StatusCodes.Status500InternalServerError, http.Response.StatusCode);
        using var body = JsonDocument.Parse(Body(http));
        Assert.Equal(UnhandledErrors.InternalErrorMessage, body.RootElement.GetProperty("message").GetString());
        Assert.Equal("req-2", body.RootElement.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task Invoke_FunctionWorksPastTheDeadline_ItsTokenFiresAndTheAnswerIs503TimedOut()
    {
        // Arrange: a one-second deadline, and a function that waits on its request's token for ever.
        var http = Http("req-3");

        // Act
        await Middleware(timeoutSeconds: 1).Invoke(Context(http), _ => Task.Delay(Timeout.Infinite, http.RequestAborted));

        // Assert
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal(UnhandledErrors.TimedOutMessage, Message(http));
    }

    [Fact]
    public async Task Invoke_FunctionSucceeds_ItsResponseStands()
    {
        // Arrange
        var http = Http("req-4");

        // Act
        await Middleware().Invoke(Context(http), _ =>
        {
            http.Response.StatusCode = StatusCodes.Status201Created;
            return Task.CompletedTask;
        });

        // Assert
        Assert.Equal(StatusCodes.Status201Created, http.Response.StatusCode);
        Assert.Equal("", Body(http));
    }

    [Fact]
    public async Task Invoke_NotAnHttpInvocation_TheExceptionGoesToTheHost()
    {
        // Arrange: a timer function has no HTTP context; the host logs and retries it.
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.Items).Returns(new Dictionary<object, object>());

        // Act
        var thrown = await Record.ExceptionAsync(() => Middleware().Invoke(context.Object, _ => throw new TimeoutException("storage went away")));

        // Assert
        Assert.IsType<TimeoutException>(thrown);
    }

    private static UnhandledErrorMiddleware Middleware(int timeoutSeconds = 30) =>
        new(Options.Create(new ApiOptions { RequestTimeoutSeconds = timeoutSeconds }), NullLogger<UnhandledErrorMiddleware>.Instance);

    private static FunctionContext Context(HttpContext http)
    {
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.Items).Returns(new Dictionary<object, object> { [HttpContextKey] = http });
        return context.Object;
    }

    private static DefaultHttpContext Http(string requestId)
    {
        var http = new DefaultHttpContext { TraceIdentifier = requestId };
        http.Response.Body = new MemoryStream();
        return http;
    }

    private static string Body(HttpContext http) => System.Text.Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());

    private static string? Message(HttpContext http)
    {
        using var body = JsonDocument.Parse(Body(http));
        return body.RootElement.GetProperty("message").GetString();
    }
}
