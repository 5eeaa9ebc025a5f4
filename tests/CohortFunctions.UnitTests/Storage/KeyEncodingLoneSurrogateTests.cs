using CohortFunctions.Storage;

namespace CohortFunctions.UnitTests.Storage;

public sealed class KeyEncodingLoneSurrogateTests
{
    [Fact]
    public void Encode_LoneSurrogateVersusReplacementCharacter_DifferentFragments()
    {
        // Arrange: EnumerateRunes (and UTF-8 encoding) turn a lone surrogate into U+FFFD.
        const string lone = "\ud800";
        const string replacement = "\ufffd";

        // Act / Assert
        Assert.NotEqual(KeyEncoding.Encode(replacement), KeyEncoding.Encode(lone));
        Assert.NotEqual(KeyEncoding.Encode(new string('\ufffd', 100)), KeyEncoding.Encode(new string('\udc00', 100)));
    }
}
