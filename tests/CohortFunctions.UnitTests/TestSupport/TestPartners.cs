using CohortFunctions.Partners;

namespace CohortFunctions.UnitTests.TestSupport;

/// <summary>Partner configuration for tests: Amplitude and Mixpanel unless a test says otherwise.</summary>
internal static class TestPartners
{
    public const string AmplitudeApiKey = "amplitude-partner-key";
    public const string MixpanelApiKey = "mixpanel-partner-key";

    public static PartnersOptions Options(params (string Slug, string DisplayName, string[] ApiKeys)[] partners)
    {
        var options = new PartnersOptions();
        foreach (var (slug, displayName, apiKeys) in partners)
        {
            var partner = new PartnerOptions { DisplayName = displayName };
            foreach (var key in apiKeys)
            {
                partner.ApiKeys.Add(key);
            }

            options[slug] = partner;
        }

        return options;
    }

    public static PartnersOptions Default() =>
        Options(("amplitude", "Amplitude", [AmplitudeApiKey]), ("mixpanel", "Mixpanel", [MixpanelApiKey]));

    public static PartnerCatalog Catalog(PartnersOptions? options = null) =>
        new(Microsoft.Extensions.Options.Options.Create(options ?? Default()));
}
