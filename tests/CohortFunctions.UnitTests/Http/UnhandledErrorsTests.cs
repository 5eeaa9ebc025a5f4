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

    [Theory]
    [InlineData("bug", false)]
    [InlineData("storage", false)]
    [InlineData("contention", false)]
    [InlineData("cancelled", true)]
    [InlineData("bug", true)]
    public async Task WriteAsync_AnyUnexpectedFailure_TheStatusAndMessageTheSyncHistoryRecords(string failure, bool deadlinePassed)
    {
        // Arrange: the request as the hosts run it, under its deadline.
        var context = Context("req-45");
        using var deadline = RequestDeadline.Apply(context, deadlinePassed ? TimeSpan.Zero : TimeSpan.FromMinutes(1));
        if (deadlinePassed)
        {
            await Task.Delay(20);
        }

        Exception exception = failure switch
        {
            "storage" => new RequestFailedException(503, Detail),
            "contention" => new CohortFunctions.Storage.ContentionException(Detail),
            "cancelled" => new OperationCanceledException(context.RequestAborted),
            _ => new InvalidOperationException(Detail),
        };
        var recorded = CohortFunctions.History.SyncOutcome.FromException(exception, RequestDeadline.ClientAborted(context), RequestDeadline.Token(context.Request));

        // Act
        await UnhandledErrors.WriteAsync(context, exception, NullLogger.Instance);

        // Assert
        using var json = JsonDocument.Parse(Body(context));
        Assert.Equal(recorded, new CohortFunctions.History.SyncOutcome(context.Response.StatusCode, json.RootElement.GetProperty("message").GetString()!));
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
