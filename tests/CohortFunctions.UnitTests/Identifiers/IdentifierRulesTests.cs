using CohortFunctions.Identifiers;

namespace CohortFunctions.UnitTests.Identifiers;

/// <summary>What an identifier may be: 1-1,024 characters of well-formed Unicode without control characters.</summary>
public sealed class IdentifierRulesTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("user-42")]
    [InlineData("user@example.com")]
    [InlineData("with space")]
    [InlineData("a/b\\c#d?e%f|g~h")]
    [InlineData("é")]
    [InlineData("e\u0301")]
    [InlineData("中文")]
    [InlineData("\u00a0")]
    [InlineData("a\u200bb")]
    public void IsValid_OrdinaryText_True(string value)
    {
        // Act / Assert
        Assert.True(IdentifierRules.IsValid(value));
    }

    [Fact]
    public void IsValid_Emoji_True()
    {
        // Surrogate pairs are well-formed text (kept out of InlineData, whose serialization may split them).
        Assert.True(IdentifierRules.IsValid("😀"));
        Assert.True(IdentifierRules.IsValid("👨‍👩‍👧 family"));
        Assert.True(IdentifierRules.IsValid(string.Concat(Enumerable.Repeat("😀", 512))));
    }

    [Fact]
    public void IsValid_NullOrEmpty_False()
    {
        // Act / Assert
        Assert.False(IdentifierRules.IsValid(null));
        Assert.False(IdentifierRules.IsValid(""));
    }

    [Fact]
    public void IsValid_1024Chars_True()
    {
        // Act / Assert
        Assert.True(IdentifierRules.IsValid(new string('x', IdentifierRules.MaxLength)));
        Assert.Equal(1024, IdentifierRules.MaxLength);
    }

    [Fact]
    public void IsValid_1025Chars_False()
    {
        // Act / Assert
        Assert.False(IdentifierRules.IsValid(new string('x', 1025)));
    }

    [Fact]
    public void IsValid_EmojiOver1024Chars_False()
    {
        // Arrange: the limit counts UTF-16 characters, so 513 emoji are 1,026 of them.
        var value = string.Concat(Enumerable.Repeat("😀", 513));

        // Act / Assert
        Assert.False(IdentifierRules.IsValid(value));
    }

    [Theory]
    [InlineData(0x0000)]
    [InlineData(0x0001)]
    [InlineData(0x0009)]
    [InlineData(0x000A)]
    [InlineData(0x000D)]
    [InlineData(0x001F)]
    [InlineData(0x007F)]
    [InlineData(0x0080)]
    [InlineData(0x0085)]
    [InlineData(0x009F)]
    public void IsValid_ControlCharacterAnywhere_False(int codePoint)
    {
        // Arrange
        var c = (char)codePoint;

        // Act / Assert
        Assert.False(IdentifierRules.IsValid($"{c}"));
        Assert.False(IdentifierRules.IsValid($"{c}abc"));
        Assert.False(IdentifierRules.IsValid($"ab{c}c"));
        Assert.False(IdentifierRules.IsValid($"abc{c}"));
    }

    [Theory]
    [InlineData(0xD800)]
    [InlineData(0xDBFF)]
    [InlineData(0xDC00)]
    [InlineData(0xDFFF)]
    public void IsValid_LoneSurrogate_False(int codeUnit)
    {
        // Arrange
        var c = (char)codeUnit;

        // Act / Assert
        Assert.False(IdentifierRules.IsValid($"{c}"));
        Assert.False(IdentifierRules.IsValid($"{c}abc"));
        Assert.False(IdentifierRules.IsValid($"ab{c}c"));
        Assert.False(IdentifierRules.IsValid($"abc{c}"));
    }

    [Fact]
    public void IsValid_SurrogatesInWrongOrder_False()
    {
        // Act / Assert
        Assert.False(IdentifierRules.IsValid("\udc00\ud800"));
        Assert.False(IdentifierRules.IsValid("\ud83d\ud83d\ude00"));
    }
}
