using System.Globalization;

namespace CohortFunctions.InfraTests.Bicep;

/// <summary>
/// One combination of the template's network and access options, as an operator would pick it in a parameters file
/// next to main.bicep. Each combination is compiled to its own snapshot.
/// </summary>
public sealed record DeploymentOptions(bool VnetEnabled, bool DeployerRolesEnabled)
{
    public const string AlertEmailAddress = "on-call@example.com";

    public const string PartnerKey = "fake-options-partner-key-41d2";

    /// <summary>Every combination: each option both ways.</summary>
    public static TheoryData<bool, bool> All => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    /// <summary>The parameters file's name, e.g. <c>options-vnet-on-roles-off.bicepparam</c>.</summary>
    public string FileName => $"options-vnet-{OnOff(VnetEnabled)}-roles-{OnOff(DeployerRolesEnabled)}.bicepparam";

    /// <summary>The parameters file: an environment with these options and an alert email.</summary>
    public string Contents => string.Join(
        '\n',
        "using 'main.bicep'",
        "param environmentName = 'ci'",
        $"param partnerApiKeys = {{ amplitude: ['{PartnerKey}'] }}",
        $"param vnetEnabled = {Bool(VnetEnabled)}",
        $"param deployerRolesEnabled = {Bool(DeployerRolesEnabled)}",
        $"param alertEmailAddress = '{AlertEmailAddress}'",
        "");

    private static string OnOff(bool value) => value ? "on" : "off";

    private static string Bool(bool value) => value.ToString(CultureInfo.InvariantCulture).ToLowerInvariant();
}
