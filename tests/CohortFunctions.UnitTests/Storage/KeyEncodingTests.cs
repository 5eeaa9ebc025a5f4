using System.Text.RegularExpressions;
using CohortFunctions.Storage;

namespace CohortFunctions.UnitTests.Storage;

/// <summary>
/// Key fragments from user-supplied strings: injective (two ids never share a row), safe for Table Storage keys
/// (no <c>/ \ # ?</c>, no control characters, no <c>|</c> separator) and bounded in length.
/// </summary>
public sealed partial class KeyEncodingTests
{
    /// <summary>The hashed form: <c>~h</c> plus a SHA-256 in hex.</summary>
    private const int HashedLength = 2 + 64;

    private static readonly string LongestReadable = new string('/', 66) + "ab";

    private static readonly string[] Tricky =
    [
        "", "a", "A", "Ab", "ab", "x", "_", ".", "-", "..", "Ab_.-9",
        "/", "\\", "#", "?", "%", "%2F", "a/b", "a%2Fb", "a\\b", "a#b", "a?b",
        "~", "~41", "~7E", "~7E41", "~2F", "A~42", "~h", "~h" + new string('0', 64), "~H",
        "|", "a|b", "a~7Cb", "x|a", "|x",
        "\"", "'", "\"a\"", "'a'", "`",
        " ", "  ", "a b", "a+b", "a b ", " a b",
        "\t", "\n", "\r\n", "\u0000", "\u0001", "\u001f", "\u007f", "\u0085", "\u00a0",
        "é", "e\u0301", "Å", "A\u030a", "\u212b", "ß", "ss", "İ", "i\u0307",
        "😀", "😀😀", "👍🏽", "👍", "👨‍👩‍👧", "\ufffd", "\ufeffa", "a\u200b",
        "中文", "Ω", "\u03a9", "\u2126",
        new string('a', 199), new string('a', 200), new string('a', 201),
        LongestReadable, new string('/', 67), "ab" + new string('/', 66), new string('/', 66) + "ac",
        new string('a', 1023), new string('a', 1024), new string('b', 1024),
        string.Concat(Enumerable.Repeat("😀", 512)), string.Concat(Enumerable.Repeat("😀", 511)) + "😁",
        new string('~', 1024), new string('|', 1024),
    ];

    [Fact]
    public void Encode_TrickyStrings_DistinctInputsGiveDistinctOutputs()
    {
        // Arrange
        var inputs = Tricky.Distinct(StringComparer.Ordinal).ToList();

        // Act
        var outputs = inputs.Select(KeyEncoding.Encode).ToList();

        // Assert
        var collisions = inputs.Zip(outputs)
            .GroupBy(p => p.Second, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => string.Join(" , ", g.Select(p => Escape(p.First))))
            .ToList();
        Assert.Empty(collisions);
    }

    [Fact]
    public void Encode_TrickyStrings_OnlyKeySafeCharacters()
    {
        foreach (var input in Tricky)
        {
            // Act
            var encoded = KeyEncoding.Encode(input);

            // Assert
            Assert.True(SafeFragment().IsMatch(encoded), $"{Escape(input)} -> {encoded}");
            Assert.DoesNotContain(encoded, c => c is '/' or '\\' or '#' or '?' or '|' || char.IsControl(c));
        }
    }

    [Fact]
    public void Encode_TrickyStrings_BoundedLength()
    {
        foreach (var input in Tricky)
        {
            // Act
            var encoded = KeyEncoding.Encode(input);

            // Assert
            Assert.True(
                encoded.Length <= Math.Max(KeyEncoding.MaxEncodedLength, HashedLength),
                $"{Escape(input)} encodes to {encoded.Length} characters");
        }
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("ABC")]
    [InlineData("0123456789")]
    [InlineData("user_42.v2-final")]
    [InlineData("_")]
    [InlineData("...")]
    [InlineData("550e8400-e29b-41d4-a716-446655440000")]
    public void Encode_LettersDigitsUnderscoreDotDash_Unchanged(string value)
    {
        // Act
        var encoded = KeyEncoding.Encode(value);

        // Assert
        Assert.Equal(value, encoded);
        Assert.False(KeyEncoding.IsHashed(encoded));
    }

    [Theory]
    [InlineData("/", "~2F")]
    [InlineData("~", "~7E")]
    [InlineData("~41", "~7E41")]
    [InlineData("a|b", "a~7Cb")]
    [InlineData(" ", "~20")]
    [InlineData("é", "~C3~A9")]
    [InlineData("😀", "~F0~9F~98~80")]
    [InlineData("user@example.com", "user~40example.com")]
    public void Encode_OtherCharacters_EscapedAsUpperHexUtf8Bytes(string value, string expected)
    {
        // Act
        var encoded = KeyEncoding.Encode(value);

        // Assert
        Assert.Equal(expected, encoded);
    }

    [Fact]
    public void Encode_EncodingOfExactlyMaxLength_StaysReadable()
    {
        // Act
        var encoded = KeyEncoding.Encode(LongestReadable);

        // Assert
        Assert.Equal(KeyEncoding.MaxEncodedLength, encoded.Length);
        Assert.False(KeyEncoding.IsHashed(encoded));
    }

    [Theory]
    [InlineData(201, 'a')]
    [InlineData(67, '/')]
    [InlineData(1024, 'a')]
    [InlineData(1024, '~')]
    public void Encode_EncodingLongerThanMax_HashedForm(int length, char c)
    {
        // Act
        var encoded = KeyEncoding.Encode(new string(c, length));

        // Assert
        Assert.True(KeyEncoding.IsHashed(encoded));
        Assert.Matches("^~h[0-9a-f]{64}$", encoded);
    }

    [Fact]
    public void Encode_LongEmojiIds_HashedFormsDiffer()
    {
        // Arrange
        var first = string.Concat(Enumerable.Repeat("😀", 512));
        var second = string.Concat(Enumerable.Repeat("😀", 511)) + "😁";

        // Act
        var (a, b) = (KeyEncoding.Encode(first), KeyEncoding.Encode(second));

        // Assert
        Assert.True(KeyEncoding.IsHashed(a));
        Assert.True(KeyEncoding.IsHashed(b));
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Encode_ValueThatLooksHashed_NotMistakenForAHash()
    {
        // Arrange
        var lookalike = "~h" + new string('0', 64);

        // Act
        var encoded = KeyEncoding.Encode(lookalike);

        // Assert
        Assert.False(KeyEncoding.IsHashed(encoded));
        Assert.NotEqual(lookalike, encoded);
    }

    [Fact]
    public void Encode_SameValueTwice_SameFragment()
    {
        // Arrange
        var value = new string('a', 300) + "/😀";

        // Act / Assert
        Assert.Equal(KeyEncoding.Encode(value), KeyEncoding.Encode(value));
    }

    private static string Escape(string value) =>
        value.Length > 40 ? $"<{value.Length} chars starting {Escape(value[..8])}>" : string.Concat(value.Select(c => char.IsAsciiLetterOrDigit(c) ? c.ToString() : $"\\u{(int)c:x4}"));

    [GeneratedRegex("^[A-Za-z0-9_.~-]*$")]
    private static partial Regex SafeFragment();
}
