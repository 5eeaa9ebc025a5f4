using CohortFunctions.ImportKeys;
using CohortFunctions.UnitTests.TestSupport;
using Microsoft.Extensions.Options;

namespace CohortFunctions.UnitTests.ImportKeys;

public sealed class ImportKeysOptionsTests
{
    [Fact]
    public void Validate_NothingSet_DefaultsWithinBounds()
    {
        // Act
        var options = ComposedOptions.Get<ImportKeysOptions>(new Dictionary<string, string?>());

        // Assert
        Assert.Equal(30, options.CacheSeconds);
        Assert.Equal(300, options.LastUsedWriteIntervalSeconds);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("30")]
    public void Validate_CacheSecondsWithinBounds_Binds(string seconds)
    {
        // Act
        var options = ComposedOptions.Get<ImportKeysOptions>(new Dictionary<string, string?> { ["ImportKeys:CacheSeconds"] = seconds });

        // Assert
        Assert.Equal(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture), options.CacheSeconds);
    }

    [Theory]
    [InlineData("ImportKeys:CacheSeconds", "31")]
    [InlineData("ImportKeys:CacheSeconds", "-1")]
    [InlineData("ImportKeys:LastUsedWriteIntervalSeconds", "0")]
    public void Validate_OutOfRange_Fails(string key, string value)
    {
        // Act
        var error = Assert.Throws<OptionsValidationException>(() => ComposedOptions.Get<ImportKeysOptions>(new Dictionary<string, string?> { [key] = value }));

        // Assert
        Assert.Contains(key.Split(':')[1], error.Message, StringComparison.Ordinal);
    }
}
