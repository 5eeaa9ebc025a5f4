using System.Text.Json;
using CohortFunctions.ImportKeys;
using CohortFunctions.Partners;
using CohortFunctions.Results;

namespace CohortFunctions.Postbacks;

/// <summary>
/// Checks a partner request's body credentials in Braze's order: the partner API key, then the data import key
/// (<c>client_secret</c>), then whether that key was issued for this partner.
/// </summary>
internal sealed class PartnerAuthenticator(PartnerCatalog partners, ImportKeyResolver keys)
{
    public async Task<Result<AuthenticatedPartner>> AuthenticateAsync(string? partnerName, JsonElement body, CancellationToken cancellationToken)
    {
        var credentials = PartnerCredentials.From(body);
        if (!partners.TryGet(partnerName, out var partner) || !partner.AcceptsApiKey(credentials.PartnerApiKey))
        {
            return Failure.Unauthorized(PartnerMessages.InvalidPartnerApiKey);
        }

        var resolution = await keys.ResolveAsync(credentials.ClientSecret, partner.Name, cancellationToken).ConfigureAwait(false);
        return resolution.Status switch
        {
            ImportKeyStatus.Valid => new AuthenticatedPartner(partner, resolution.Workspace, resolution.KeyId),
            ImportKeyStatus.OtherPartner => Failure.Unauthorized(PartnerMessages.PartnerNotEnabled(resolution.KeyHint)),
            _ => Failure.Unauthorized(PartnerMessages.InvalidClientSecret),
        };
    }
}
