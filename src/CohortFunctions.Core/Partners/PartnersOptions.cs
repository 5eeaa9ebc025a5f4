using Microsoft.Extensions.Configuration;

namespace CohortFunctions.Partners;

/// <summary>
/// The analytics partners this installation accepts postbacks from, keyed by the partner's slug in the URL
/// (<c>/partners/{partner}/...</c>). Bound from the <c>Partners</c> section, e.g.
/// <c>Partners__amplitude__DisplayName=Amplitude</c> and <c>Partners__amplitude__ApiKeys__0=...</c>.
/// </summary>
internal sealed class PartnersOptions : Dictionary<string, PartnerOptions>
{
    public const string SectionName = "Partners";

    public PartnersOptions()
        : base(StringComparer.OrdinalIgnoreCase)
    {
    }

    /// <summary>Binds one <see cref="PartnerOptions"/> per child of the <c>Partners</c> section.</summary>
    public static void Bind(PartnersOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var partner in configuration.GetSection(SectionName).GetChildren())
        {
            var bound = new PartnerOptions();
            partner.Bind(bound);
            options[partner.Key] = bound;
        }
    }
}
