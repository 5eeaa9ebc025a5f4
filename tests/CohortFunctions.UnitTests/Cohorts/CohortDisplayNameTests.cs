using CohortFunctions.Cohorts;
using CohortFunctions.Partners;
using Microsoft.Extensions.Options;

namespace CohortFunctions.UnitTests.Cohorts;

/// <summary>How an imported cohort is shown in segment filters, as Braze shows partner cohorts.</summary>
public sealed class CohortDisplayNameTests
{
    [Fact]
    public void DisplayName_AmplitudeCohort_PartnerInBracketsNameColonId()
    {
        // Arrange
        var amplitude = Catalog().All.Single(p => p.Name == "amplitude");
        var cohort = new Cohort(new CohortRef("amplitude", "abc123"), "Power users", Named: true, DateTimeOffset.UnixEpoch, LastSyncedAt: null);

        // Act
        var displayName = cohort.DisplayName(amplitude);

        // Assert
        Assert.Equal("[Amplitude] Power users: abc123", displayName);
    }

    [Fact]
    public void DisplayName_UsesPartnersDisplayNameNotSlug()
    {
        // Arrange
        var segment = Catalog().All.Single(p => p.Name == "segment");
        var cohort = new Cohort(new CohortRef("segment", "c-9"), "Churn risk", Named: true, DateTimeOffset.UnixEpoch, LastSyncedAt: null);

        // Act
        var displayName = cohort.DisplayName(segment);

        // Assert
        Assert.Equal("[Segment.io] Churn risk: c-9", displayName);
    }

    private static PartnerCatalog Catalog() => new(Options.Create(new PartnersOptions
    {
        ["amplitude"] = new PartnerOptions { DisplayName = "Amplitude", ApiKeys = { "k1" } },
        ["segment"] = new PartnerOptions { DisplayName = "Segment.io", ApiKeys = { "k2" } },
    }));
}
