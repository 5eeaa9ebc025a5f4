using System.Net.Sockets;
using Azure;
using CohortFunctions.Storage;

namespace CohortFunctions.UnitTests.Storage;

public sealed class StorageFailuresTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public void IsUnavailable_OutageOrThrottlingStatus_True(int status)
    {
        // Act & Assert
        Assert.True(StorageFailures.IsUnavailable(new RequestFailedException(status, "storage said so")));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(412)]
    public void IsUnavailable_ClientErrorStatus_False(int status)
    {
        // Act & Assert
        Assert.False(StorageFailures.IsUnavailable(new RequestFailedException(status, "our bug")));
    }

    public static TheoryData<Exception> TransportFailures() => new()
    {
        new HttpRequestException("connection refused"),
        new SocketException((int)SocketError.ConnectionRefused),
        new TimeoutException(),
        new IOException("connection reset"),
        new InvalidOperationException("wrapper", new HttpRequestException("connection refused")),
        new AggregateException(new HttpRequestException("one"), new RequestFailedException(503, "two")),
    };

    [Theory]
    [MemberData(nameof(TransportFailures))]
    public void IsUnavailable_TransportFailure_True(Exception exception)
    {
        // Act & Assert
        Assert.True(StorageFailures.IsUnavailable(exception));
    }

    public static TheoryData<Exception> Bugs() => new()
    {
        new ArgumentException("bad argument"),
        new InvalidOperationException("bad state"),
        new InvalidDataException("bad row"),
        new AggregateException(new HttpRequestException("one"), new ArgumentException("two")),
    };

    [Theory]
    [MemberData(nameof(Bugs))]
    public void IsUnavailable_Bug_False(Exception exception)
    {
        // Act & Assert
        Assert.False(StorageFailures.IsUnavailable(exception));
    }

    [Fact]
    public void IsUnavailable_CancelledByCaller_False()
    {
        // Arrange
        using var caller = new CancellationTokenSource();
        caller.Cancel();

        // Act
        var unavailable = StorageFailures.IsUnavailable(new OperationCanceledException(caller.Token), caller.Token);

        // Assert
        Assert.False(unavailable);
    }

    [Fact]
    public void IsUnavailable_CancelledByTimeoutNotCaller_True()
    {
        // Arrange: the SDK's network timeout surfaces as a cancellation the caller did not ask for.
        using var timeout = new CancellationTokenSource();
        timeout.Cancel();

        // Act
        var unavailable = StorageFailures.IsUnavailable(new TaskCanceledException("timed out", null, timeout.Token), CancellationToken.None);

        // Assert
        Assert.True(unavailable);
    }
}
