using System.Text.Json;
using CohortFunctions.App.Http;
using CohortFunctions.Results;
using Microsoft.AspNetCore.Http;

namespace CohortFunctions.UnitTests.Http;

public sealed class ApiResponsesTests
{
    [Theory]
    [InlineData((int)FailureKind.Invalid, 400)]
    [InlineData((int)FailureKind.Unauthorized, 401)]
    [InlineData((int)FailureKind.NotFound, 404)]
    [InlineData((int)FailureKind.Conflict, 409)]
    [InlineData((int)FailureKind.TooLarge, 413)]
    public void StatusFor_EachKind_MapsToItsStatus(int kindValue, int status)
    {
        // Arrange
        var kind = (FailureKind)kindValue;

        // Act & Assert
        Assert.Equal(status, ApiResponses.StatusFor(kind));
    }

    [Fact]
    public void StatusFor_EveryDefinedKind_IsMapped()
    {
        // Act & Assert: a new FailureKind without a status would otherwise surface as a 500 at run time.
        Assert.All(Enum.GetValues<FailureKind>(), kind => Assert.InRange(ApiResponses.StatusFor(kind), 400, 499));
    }

    [Fact]
    public void StatusFor_UndefinedKind_Throws()
    {
        // Act & Assert
        Assert.Throws<ArgumentOutOfRangeException>(() => ApiResponses.StatusFor((FailureKind)999));
    }

    [Fact]
    public async Task From_Failure_WritesBrazeErrorShape()
    {
        // Arrange
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        // Act
        await ApiResponses.From(Failure.NotFound("No such key.")).WriteAsync(context.Response, CancellationToken.None);

        // Assert
        Assert.Equal(404, context.Response.StatusCode);
        Assert.StartsWith("application/json", context.Response.ContentType, StringComparison.Ordinal);
        Assert.Equal("{\"message\":\"No such key.\"}", Body(context));
    }

    [Fact]
    public async Task From_Success_WritesSnakeCaseBody()
    {
        // Arrange
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        Result<int> result = 7;

        // Act
        await ApiResponses.From(result, v => ApiResponses.Created(new { KeyId = v, LastUsedAt = (DateTimeOffset?)null }))
            .WriteAsync(context.Response, CancellationToken.None);

        // Assert
        Assert.Equal(201, context.Response.StatusCode);
        using var body = JsonDocument.Parse(Body(context));
        Assert.Equal(7, body.RootElement.GetProperty("key_id").GetInt32());
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("last_used_at").ValueKind);
    }

    [Fact]
    public async Task NoContent_WritesNoBody()
    {
        // Arrange
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        // Act
        await ApiResponses.NoContent().WriteAsync(context.Response, CancellationToken.None);

        // Assert
        Assert.Equal(204, context.Response.StatusCode);
        Assert.Equal("", Body(context));
    }

    private static string Body(DefaultHttpContext context) =>
        System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
}
