using System.Text;
using System.Text.Json;
using CohortFunctions.App.Http;
using CohortFunctions.Results;
using Microsoft.AspNetCore.Http;

namespace CohortFunctions.UnitTests.Http;

public sealed class JsonBodyTests
{
    [Fact]
    public async Task ReadObjectAsync_JsonObject_ReturnsIt()
    {
        // Arrange
        var request = Request("{\"name\": \"power users\", \"ids\": [1, 2]}");

        // Act
        var result = await JsonBody.ReadObjectAsync(request, CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess);
        Assert.Equal("power users", result.Value.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task ReadObjectAsync_Empty_Invalid(string body)
    {
        // Act
        var result = await JsonBody.ReadObjectAsync(Request(body), CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \r\n\t")]
    public async Task ReadOptionalObjectAsync_Empty_SucceedsWithNothing(string body)
    {
        // Act
        var result = await JsonBody.ReadOptionalObjectAsync(Request(body), CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess);
        Assert.Null(result.Value);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public async Task ReadOptionalObjectAsync_NotAnObject_InvalidWithMessage(string body)
    {
        // Act
        var result = await JsonBody.ReadOptionalObjectAsync(Request(body), CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.Equal(JsonBody.NotAnObjectMessage, result.Failure!.Message);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"a\": 1,}")]
    [InlineData("{\"a\": 1} {\"b\": 2}")]
    [InlineData("{/* comment */}")]
    [InlineData("{'a': 1}")]
    public async Task ReadObjectAsync_Malformed_Invalid(string body)
    {
        // Act
        var result = await JsonBody.ReadObjectAsync(Request(body), CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
    }

    [Fact]
    public async Task ReadObjectAsync_NestedToMaxDepth_Succeeds()
    {
        // Act
        var result = await JsonBody.ReadObjectAsync(Request(Nested(ApiJson.MaxDepth)), CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess);
    }

    [Fact]
    public async Task ReadObjectAsync_NestedDeeperThanMaxDepth_Invalid()
    {
        // Act
        var result = await JsonBody.ReadObjectAsync(Request(Nested(ApiJson.MaxDepth + 1)), CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
    }

    [Fact]
    public async Task ReadObjectAsync_ContentLengthOverLimit_TooLargeAndTheBodyReadToItsEnd()
    {
        // Arrange: the declared length alone decides; the body is then read to its end and dropped, because the
        // Functions host fails a request whose body the worker stopped reading (a 500 instead of this 413).
        var context = new DefaultHttpContext();
        var body = new DiscardOnlyStream(JsonBody.MaxBytes + 1L);
        context.Request.ContentLength = body.Length;
        context.Request.Body = body;

        // Act
        var result = await JsonBody.ReadObjectAsync(context.Request, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.TooLarge, result.Failure?.Kind);
        Assert.Equal(body.Length, body.Position);
        Assert.True(body.LargestRead <= 64 * 1024, $"read {body.LargestRead} bytes at once: the body is dropped, not kept");
    }

    [Fact]
    public async Task ReadObjectAsync_StreamedBodyOverLimit_TooLarge()
    {
        // Arrange: chunked, so no Content-Length to check up front.
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(ObjectOfSize(JsonBody.MaxBytes + 1));

        // Act
        var result = await JsonBody.ReadObjectAsync(context.Request, CancellationToken.None);

        // Assert
        Assert.Null(context.Request.ContentLength);
        Assert.Equal(FailureKind.TooLarge, result.Failure?.Kind);
    }

    [Fact]
    public async Task ReadObjectAsync_StreamedBodyAtLimit_Succeeds()
    {
        // Arrange
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(ObjectOfSize(JsonBody.MaxBytes));

        // Act
        var result = await JsonBody.ReadObjectAsync(context.Request, CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
    }

    [Fact]
    public async Task ReadObjectAsync_ContentLengthUnderstatesBody_TooLarge()
    {
        // Arrange: a client may lie about the length; what is read is what counts.
        var context = new DefaultHttpContext();
        context.Request.ContentLength = 10;
        context.Request.Body = new MemoryStream(ObjectOfSize(JsonBody.MaxBytes + 1));

        // Act
        var result = await JsonBody.ReadObjectAsync(context.Request, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.TooLarge, result.Failure?.Kind);
    }

    private static HttpRequest Request(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = bytes.Length;
        context.Request.Body = new MemoryStream(bytes);
        return context.Request;
    }

    /// <summary>An object <paramref name="depth"/> levels deep: <c>{"a":{"a":...1...}}</c>.</summary>
    private static string Nested(int depth) =>
        string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    private static byte[] ObjectOfSize(int size)
    {
        var text = "{\"padding\":\"" + new string('x', size - "{\"padding\":\"\"}".Length) + "\"}";
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.Equal(size, bytes.Length);
        using var check = JsonDocument.Parse(bytes);
        return bytes;
    }

    /// <summary>A body of <paramref name="length"/> bytes that is never buffered whole; it records its largest read.</summary>
    private sealed class DiscardOnlyStream(long length) : Stream
    {
        public int LargestRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = (int)Math.Min(buffer.Length, length - Position);
            Position += read;
            LargestRead = Math.Max(LargestRead, read);
            return read;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
