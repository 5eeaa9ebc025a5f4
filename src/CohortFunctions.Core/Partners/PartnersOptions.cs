using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

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

/// <summary>One configured partner.</summary>
internal sealed class PartnerOptions
{
    /// <summary>Shown in cohort display names, e.g. <c>[Amplitude] Power users: abc123</c>.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>
    /// The partner API keys the partner sends as <c>partner_api_key</c>. Several may be valid at once so a key can
    /// be rotated without downtime. Secrets: keep them in Key Vault or the environment, never in source control.
    /// </summary>
    public IList<string> ApiKeys { get; } = [];
}

/// <summary>Checks the partner configuration at start, so a bad setting stops the app instead of a postback.</summary>
internal sealed partial class PartnersOptionsValidator : IValidateOptions<PartnersOptions>
{
    public ValidateOptionsResult Validate(string? name, PartnersOptions options)
    {
        if (options.Count == 0)
        {
            return ValidateOptionsResult.Fail(
                $"No partner is configured: set at least {PartnersOptions.SectionName}__<partner>__DisplayName and {PartnersOptions.SectionName}__<partner>__ApiKeys__0.");
        }

        var errors = new List<string>();
        foreach (var (slug, partner) in options)
        {
            if (!SlugPattern().IsMatch(slug.ToLowerInvariant()))
            {
                errors.Add($"Partner name '{slug}' must be 1-63 characters of a-z, 0-9 and '-'.");
            }

            if (string.IsNullOrWhiteSpace(partner.DisplayName))
            {
                errors.Add($"{PartnersOptions.SectionName}__{slug}__DisplayName is required.");
            }

            if (!partner.ApiKeys.Any(k => !string.IsNullOrWhiteSpace(k)))
            {
                errors.Add($"{PartnersOptions.SectionName}__{slug}__ApiKeys needs at least one non-empty key.");
            }

            // An unresolved Key Vault reference reaches the app as its literal text: never accept that as a key.
            if (partner.ApiKeys.Any(k => k.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"{PartnersOptions.SectionName}__{slug}__ApiKeys holds an unresolved Key Vault reference; check the app's access to the vault.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();
}
