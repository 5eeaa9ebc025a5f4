using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace CohortFunctions.Partners;

/// <summary>The partners this installation is configured for.</summary>
internal sealed class PartnerCatalog(IOptions<PartnersOptions> options)
{
    private readonly Dictionary<string, Partner> _partners = options.Value.ToDictionary(
        p => p.Key.ToLowerInvariant(),
        p => new Partner(p.Key.ToLowerInvariant(), p.Value.DisplayName, p.Value.ApiKeys),
        StringComparer.Ordinal);

    /// <summary>Every configured partner, ordered by name.</summary>
    public IReadOnlyList<Partner> All => [.. _partners.Values.OrderBy(p => p.Name, StringComparer.Ordinal)];

    /// <summary>Finds a partner by its URL slug; slugs are matched exactly (lower case).</summary>
    public bool TryGet(string? name, [NotNullWhen(true)] out Partner? partner)
    {
        if (name is null)
        {
            partner = null;
            return false;
        }

        return _partners.TryGetValue(name, out partner);
    }

    public static string UnknownPartnerMessage(string name) => $"Partner '{name}' is not configured.";
}
