using CohortFunctions.UnitTests.TestSupport;

namespace CohortFunctions.UnitTests.Partners;

public sealed class PartnerCatalogTests
{
    [Fact]
    public void AcceptsApiKey_ConfiguredKey_ReturnsTrue()
    {
        // Arrange
        TestPartners.Catalog().TryGet("amplitude", out var partner);

        // Act
        var accepted = partner!.AcceptsApiKey(TestPartners.AmplitudeApiKey);

        // Assert
        Assert.True(accepted);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("AMPLITUDE-PARTNER-KEY")]
    [InlineData("amplitude-partner-ke")]
    [InlineData("amplitude-partner-key ")]
    [InlineData(TestPartners.MixpanelApiKey)]
    public void AcceptsApiKey_AnythingButAConfiguredKey_ReturnsFalse(string? candidate)
    {
        // Arrange
        TestPartners.Catalog().TryGet("amplitude", out var partner);

        // Act
        var accepted = partner!.AcceptsApiKey(candidate);

        // Assert
        Assert.False(accepted);
    }

    [Fact]
    public void AcceptsApiKey_SeveralKeysDuringRotation_AcceptsEachAndIgnoresBlankOnes()
    {
        // Arrange
        var catalog = TestPartners.Catalog(TestPartners.Options(("amplitude", "Amplitude", ["old-key", "", "new-key"])));
        catalog.TryGet("amplitude", out var partner);

        // Act
        var accepted = (bool[])[partner!.AcceptsApiKey("old-key"), partner.AcceptsApiKey("new-key"), partner.AcceptsApiKey("")];

        // Assert
        Assert.Equal([true, true, false], accepted);
    }

    [Fact]
    public void TryGet_ConfiguredWithCapitals_FoundByLowerCaseSlugOnly()
    {
        // Arrange
        var catalog = TestPartners.Catalog(TestPartners.Options(("Amplitude", "Amplitude", ["key"])));

        // Act
        var lower = catalog.TryGet("amplitude", out var partner);
        var upper = catalog.TryGet("Amplitude", out _);

        // Assert
        Assert.True(lower);
        Assert.Equal("amplitude", partner!.Name);
        Assert.False(upper);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("segment")]
    public void TryGet_UnknownPartner_ReturnsFalse(string? name)
    {
        // Act
        var found = TestPartners.Catalog().TryGet(name, out var partner);

        // Assert
        Assert.False(found);
        Assert.Null(partner);
    }

    [Fact]
    public void All_SeveralPartners_OrderedBySlugWithNames()
    {
        // Arrange
        var catalog = TestPartners.Catalog(TestPartners.Options(("mixpanel", "Mixpanel", ["k"]), ("Amplitude", "Amplitude", ["k"])));

        // Act
        var all = catalog.All;

        // Assert
        Assert.Equal(["amplitude", "mixpanel"], all.Select(p => p.Name));
        Assert.Equal("Amplitude Cohorts", all[0].FilterName);
    }
}
