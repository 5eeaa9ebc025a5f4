using System.Text.Json;
using Azure;
using CohortFunctions.App.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace CohortFunctions.UnitTests.Http;

public sealed class UnhandledErrorsTests
{
    private const string Detail = "connection string and stack details";

    [Fact]
    public async Task WriteAsync_UnexpectedException_500WithRequestIdAndNoDetails()
    {
        // Arrange
        var context = Context("req-42");

        // Act
        await UnhandledErrors.WriteAsync(context, new InvalidOperationException(Detail), NullLogger.Instance);

        // Assert
        Assert.Equal(500, context.Response.StatusCode);
        var body = Body(context);
        Assert.DoesNotContain(Detail, body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(UnhandledErrors.InternalErrorMessage, json.RootElement.GetProperty("message").GetString());
        Assert.Equal("req-42", json.RootElement.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task WriteAsync_StorageUnavailable_503WithRetryAfter()
    {
        // Arrange
        var context = Context("req-43");

        // Act
        await UnhandledErrors.WriteAsync(context, new RequestFailedException(503, Detail), NullLogger.Instance);

        // Assert
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal(UnhandledErrors.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), context.Response.Headers.RetryAfter);
        Assert.DoesNotContain(Detail, Body(context), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_ClientAborted_WritesNothing()
    {
        // Arrange
        var context = Context("req-44");
        using var aborted = new CancellationTokenSource();
        aborted.Cancel();
        context.RequestAborted = aborted.Token;

        // Act
        await UnhandledErrors.WriteAsync(context, new OperationCanceledException(aborted.Token), NullLogger.Instance);

        // Assert
        Assert.Equal("", Body(context));
    }

    private static DefaultHttpContext Context(string requestId)
    {
        var context = new DefaultHttpContext { TraceIdentifier = requestId };
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string Body(DefaultHttpContext context) =>
        System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
}
