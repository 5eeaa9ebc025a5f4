namespace CohortFunctions.Partners;

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
