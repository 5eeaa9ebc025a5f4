using System.Buffers.Text;
using System.Text;
using CohortFunctions.Memberships;
using CohortFunctions.Users;

namespace CohortFunctions.UnitTests.Memberships;

/// <summary>Continuation tokens of member pages: they round-trip, and anything not from a previous page is rejected.</summary>
public sealed class MemberCursorTests
{
    [Theory]
    [InlineData(0, null)]
    [InlineData(0, "00000000000000000000")]
    [InlineData(7, "7abcdef0123456789abc")]
    [InlineData(15, "ffffffffffffffffffff")]
    [InlineData(15, null)]
    public void Encode_ThenTryParse_SameCursor(int shardIndex, string? after)
    {
        // Arrange
        var cursor = new MemberCursor(shardIndex, after);

        // Act
        var token = cursor.Encode();
        var parsed = MemberCursor.TryParse(token, out var roundTripped);

        // Assert
        Assert.True(parsed);
        Assert.Equal(cursor, roundTripped);
    }

    [Fact]
    public void Encode_AnyCursor_UrlSafeToken()
    {
        // Arrange
        var cursor = new MemberCursor(UserId.ShardCount - 1, "ffffffffffffffffffff");

        // Act
        var token = cursor.Encode();

        // Assert
        Assert.Matches("^[A-Za-z0-9_-]+$", token);
        Assert.InRange(token.Length, 1, 64);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void TryParse_NullOrEmpty_Start(string? token)
    {
        // Act
        var parsed = MemberCursor.TryParse(token, out var cursor);

        // Assert
        Assert.True(parsed);
        Assert.Equal(MemberCursor.Start, cursor);
        Assert.Equal(new MemberCursor(0, null), cursor);
    }

    [Theory]
    [InlineData("!!!!")]
    [InlineData("not a token")]
    [InlineData("a")]
    [InlineData("%%%")]
    [InlineData("MTo=====")]
    public void TryParse_NotBase64Url_False(string token)
    {
        // Act
        var parsed = MemberCursor.TryParse(token, out var cursor);

        // Assert
        Assert.False(parsed);
        Assert.Null(cursor);
    }

    [Theory]
    [InlineData("16:")]
    [InlineData("99:")]
    [InlineData("-1:")]
    [InlineData("+1:")]
    [InlineData(" 1:")]
    [InlineData("x:")]
    [InlineData(":")]
    [InlineData(":00000000000000000000")]
    [InlineData("1")]
    [InlineData("99999999999999999999:")]
    public void TryParse_BadShard_False(string text)
    {
        // Act
        var parsed = MemberCursor.TryParse(Token(text), out _);

        // Assert
        Assert.False(parsed);
    }

    [Theory]
    [InlineData("1:x")]
    [InlineData("1:0000000000000000000")]
    [InlineData("1:000000000000000000000")]
    [InlineData("1:ABCDEF0123456789ABCD")]
    [InlineData("1:gggggggggggggggggggg")]
    [InlineData("1:0000000000000000000 ")]
    [InlineData("1:00000000000000000000:")]
    public void TryParse_BadUserId_False(string text)
    {
        // Act
        var parsed = MemberCursor.TryParse(Token(text), out _);

        // Assert
        Assert.False(parsed);
    }

    [Fact]
    public void TryParse_TokenOver64Chars_FalseEvenIfItWouldDecode()
    {
        // Arrange: decodes to shard 1 and a valid user id, but is longer than any token this code writes.
        var token = Token(new string('0', 27) + "1:0123456789abcdef0123");

        // Act
        var parsed = MemberCursor.TryParse(token, out _);

        // Assert
        Assert.True(token.Length > 64);
        Assert.False(parsed);
    }

    [Fact]
    public void TryParse_HandMadeTokenOfValidShape_Accepted()
    {
        // Arrange
        var token = Token("3:3fffffffffffffffffff");

        // Act
        var parsed = MemberCursor.TryParse(token, out var cursor);

        // Assert
        Assert.True(parsed);
        Assert.Equal(new MemberCursor(3, "3fffffffffffffffffff"), cursor);
    }

    private static string Token(string text) => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(text));
}
