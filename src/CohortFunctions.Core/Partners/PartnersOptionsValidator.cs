using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace CohortFunctions.Partners;

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
