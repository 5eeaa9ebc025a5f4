using CohortFunctions.InfraTests.Bicep;
using NCrontab;

namespace CohortFunctions.InfraTests;

/// <summary>What the template puts in the function app's settings: identities instead of keys, secrets only as Key Vault references.</summary>
[Collection(InfraTestGroup.Name)]
public sealed class AppSettingsTests(InfraFixture infra)
{
    // Flex Consumption rejects these (runtime and package are set in functionAppConfig), and the storage ones carry keys.
    private static readonly string[] ForbiddenSettings =
    [
        "AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTSHARE", "Storage__ConnectionString", "APPINSIGHTS_INSTRUMENTATIONKEY",
    ];

    // Signs of a storage key or SAS in a value, or of an ARM function that reads keys.
    private static readonly string[] KeyMaterial =
    [
        "AccountKey", "DefaultEndpointsProtocol", "SharedAccessSignature", "SharedAccessKey", "sig=", "listKeys", "listAccountSas", "listServiceSas",
    ];

    [Fact]
    public void AppSettings_DevTemplate_SetNoForbiddenOrConnectionStringSetting()
    {
        // Arrange
        var settings = infra.DevSnapshot.AppSettings;

        // Act
        var forbidden = settings.Keys.Where(k => ForbiddenSettings.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
        // APPLICATIONINSIGHTS_CONNECTION_STRING is the one allowed: with local auth disabled it cannot send telemetry by itself.
        var connectionStrings = settings.Keys
            .Where(k => k.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase) || k.Contains("CONNECTION_STRING", StringComparison.Ordinal))
            .Where(k => k != "APPLICATIONINSIGHTS_CONNECTION_STRING")
            .ToList();

        // Assert
        Assert.Empty(forbidden);
        Assert.Empty(connectionStrings);
    }

    [Fact]
    public void AppSettings_DevTemplate_ContainNoKeyMaterialOrSecureParameter()
    {
        // Arrange
        var settings = infra.DevSnapshot.AppSettings;
        // A snapshot leaves secure parameters unevaluated, so a secret put straight into a setting shows as parameters('...').
        var secureParameters = infra.Template["parameters"]!.AsObject()
            .Where(p => ((string?)p.Value!["type"])?.StartsWith("secure", StringComparison.Ordinal) == true)
            .Select(p => $"parameters('{p.Key}')")
            .ToList();

        // Act
        var offending = settings
            .Where(s => KeyMaterial.Concat(secureParameters).Append(InfraFixture.FakeAmplitudeKey).Any(k => s.Value.Contains(k, StringComparison.OrdinalIgnoreCase)))
            .Select(s => s.Key)
            .ToList();

        // Assert
        Assert.Empty(offending);
    }

    [Fact]
    public void AppSettings_PartnerApiKeys_AreKeyVaultReferencesToSecretsFromTheSecureParameter()
    {
        // Arrange
        var snapshot = infra.DevSnapshot;
        var vault = ArmSnapshot.Name(snapshot.Resource("Microsoft.KeyVault/vaults"));
        var secrets = snapshot.OfType("Microsoft.KeyVault/vaults/secrets")
            .ToDictionary(s => ArmSnapshot.Name(s).Split('/')[^1], s => (string)s["properties"]!["value"]!, StringComparer.Ordinal);
        var keySettings = snapshot.AppSettings.Where(s => s.Key.StartsWith("Partners__", StringComparison.Ordinal) && s.Key.Contains("__ApiKeys__", StringComparison.Ordinal)).ToList();

        // Act
        var references = keySettings.Select(s => DeploymentStandIns.KeyVaultReference().Match(DeploymentStandIns.Evaluate(s.Value))).ToList();

        // Assert
        Assert.Equal(["Partners__amplitude__ApiKeys__0", "Partners__amplitude__ApiKeys__1"], keySettings.Select(s => s.Key).Order(StringComparer.Ordinal));
        Assert.All(references, r => Assert.True(r.Success, $"Not a Key Vault reference: {r.Value}"));
        Assert.All(references, r => Assert.Equal(vault, r.Groups["vault"].Value));
        Assert.All(references, r => Assert.True(secrets.ContainsKey(r.Groups["secret"].Value), $"No secret {r.Groups["secret"].Value} in the vault."));
        Assert.All(secrets.Values, v => Assert.StartsWith("[parameters('partnerApiKeys').", v, StringComparison.Ordinal));
    }

    [Fact]
    public void AppSettings_HostStorage_UsesTheManagedIdentity()
    {
        // Arrange
        var snapshot = infra.DevSnapshot;
        var storageAccount = ArmSnapshot.Name(snapshot.Resource("Microsoft.Storage/storageAccounts"));
        var settings = AppEnvironment.ResolvedAppSettings(snapshot);

        // Act
        var host = settings.Where(s => s.Key.StartsWith("AzureWebJobsStorage", StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal);

        // Assert
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["AzureWebJobsStorage__accountName"] = storageAccount,
                ["AzureWebJobsStorage__credential"] = "managedidentity",
                ["AzureWebJobsStorage__clientId"] = DeploymentStandIns.IdentityClientId,
            },
            host);
    }

    [Fact]
    public void AppSettings_HostHomePage_TurnedOff()
    {
        // Arrange: the real-host tests run with it off; / then answers a bare 204 on both hosts.
        var settings = AppEnvironment.ResolvedAppSettings(infra.DevSnapshot);

        // Act
        var homepage = settings.GetValueOrDefault("AzureWebJobsDisableHomepage");

        // Assert
        Assert.Equal("true", homepage);
    }

    [Fact]
    public void AppSettings_AppAndTelemetryIdentity_IsTheUserAssignedIdentity()
    {
        // Arrange
        var settings = AppEnvironment.ResolvedAppSettings(infra.DevSnapshot);

        // Act
        var clientId = settings.GetValueOrDefault("AZURE_CLIENT_ID");
        var telemetryAuthentication = settings.GetValueOrDefault("APPLICATIONINSIGHTS_AUTHENTICATION_STRING");

        // Assert: DefaultAzureCredential (the app's tables) and the host's telemetry both need the identity's client id.
        Assert.Equal(DeploymentStandIns.IdentityClientId, clientId);
        Assert.Equal($"ClientId={DeploymentStandIns.IdentityClientId};Authorization=AAD", telemetryAuthentication);
        Assert.Contains("InstrumentationKey=", settings.GetValueOrDefault("APPLICATIONINSIGHTS_CONNECTION_STRING"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ResyncSchedule", "0 */1 * * * *")]
    [InlineData("MaintenanceSchedule", "0 0 3 * * *")]
    public void AppSettings_TimerSchedules_AreSixFieldNcrontab(string setting, string expected)
    {
        // Arrange
        var settings = infra.DevSnapshot.AppSettings;

        // Act
        var schedule = settings.GetValueOrDefault(setting) ?? "";
        var parsed = CrontabSchedule.TryParse(schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true });

        // Assert
        Assert.Equal(expected, schedule);
        Assert.NotNull(parsed);
    }
}
