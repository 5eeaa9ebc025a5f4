using CohortFunctions.Partners;
using CohortFunctions.UnitTests.TestSupport;
using Microsoft.Extensions.Configuration;

namespace CohortFunctions.UnitTests.Partners;

public sealed class PartnersOptionsValidatorTests
{
    private readonly PartnersOptionsValidator _validator = new();

    [Fact]
    public void Validate_ConfiguredPartners_Succeeds()
    {
        // Act
        var result = _validator.Validate(null, TestPartners.Default());

        // Assert
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_NoPartner_FailsNamingTheSettings()
    {
        // Act
        var result = _validator.Validate(null, new PartnersOptions());

        // Assert
        Assert.True(result.Failed);
        Assert.Contains("Partners__<partner>__ApiKeys__0", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("amplitude")]
    [InlineData("Amplitude")]
    [InlineData("my-partner-2")]
    public void Validate_GoodSlug_Succeeds(string slug)
    {
        // Act
        var result = _validator.Validate(null, TestPartners.Options((slug, "Partner", ["key"])));

        // Assert
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("-amplitude")]
    [InlineData("ampli_tude")]
    [InlineData("ampli tude")]
    [InlineData("a1234567890123456789012345678901234567890123456789012345678901ab")]
    public void Validate_BadSlug_Fails(string slug)
    {
        // Act
        var result = _validator.Validate(null, TestPartners.Options((slug, "Partner", ["key"])));

        // Assert
        Assert.True(result.Failed);
        Assert.Contains(slug, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_NoDisplayName_FailsNamingTheSetting(string displayName)
    {
        // Act
        var result = _validator.Validate(null, TestPartners.Options(("amplitude", displayName, ["key"])));

        // Assert
        Assert.True(result.Failed);
        Assert.Contains("Partners__amplitude__DisplayName", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("")]
    [InlineData(" ", "")]
    public void Validate_NoUsableApiKey_FailsNamingTheSetting(params string[] apiKeys)
    {
        // Act
        var result = _validator.Validate(null, TestPartners.Options(("amplitude", "Amplitude", apiKeys)));

        // Assert
        Assert.True(result.Failed);
        Assert.Contains("Partners__amplitude__ApiKeys", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_EnvironmentStyleSettings_BindsEveryPartnerAndKey()
    {
        // Arrange
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Partners:amplitude:DisplayName"] = "Amplitude",
            ["Partners:amplitude:ApiKeys:0"] = "old",
            ["Partners:amplitude:ApiKeys:1"] = "new",
            ["Partners:mixpanel:DisplayName"] = "Mixpanel",
            ["Partners:mixpanel:ApiKeys:0"] = "mp",
        }).Build();
        var options = new PartnersOptions();

        // Act
        PartnersOptions.Bind(options, configuration);

        // Assert
        Assert.Equal(["amplitude", "mixpanel"], options.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Amplitude", options["amplitude"].DisplayName);
        Assert.Equal(["old", "new"], options["amplitude"].ApiKeys);
        Assert.True(_validator.Validate(null, options).Succeeded);
    }
}
