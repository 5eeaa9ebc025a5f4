using CohortFunctions.App.Http;
using CohortFunctions.ImportKeys;
using CohortFunctions.InfraTests.Bicep;
using CohortFunctions.Partners;
using CohortFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortFunctions.InfraTests;

/// <summary>
/// The app validates its options at start (ValidateOnStart). These tests run that same validation over the app
/// settings the template sets, so a setting the template forgets or misnames stops the build, not the deployed app.
/// </summary>
[Collection(InfraTestGroup.Name)]
public sealed class AppStartTests(InfraFixture infra)
{
    private const string TwoPartnersParameters = """
        using 'main.bicep'

        param environmentName = 'ci'
        param tablePrefix = 'ci'
        param partners = [
          { name: 'amplitude', displayName: 'Amplitude' }
          { name: 'mixpanel', displayName: 'Mixpanel' }
        ]
        param partnerApiKeys = {
          amplitude: ['fake-amplitude-current', 'fake-amplitude-next']
          mixpanel: ['fake-mixpanel-current']
        }
        """;

    [Fact]
    public void StartupValidation_DevTemplateAppSettings_Passes()
    {
        // Arrange
        var settings = AppEnvironment.ResolvedAppSettings(infra.DevSnapshot);
        using var services = AppEnvironment.Services(settings);

        // Act
        var exception = Record.Exception(() => services.GetRequiredService<IStartupValidator>().Validate());

        // Assert
        Assert.True(exception is null, exception?.Message);
    }

    [Fact]
    public void Options_DevTemplateAppSettings_BindToTheDeployedResources()
    {
        // Arrange
        var snapshot = infra.DevSnapshot;
        var storageAccount = ArmSnapshot.Name(snapshot.Resource("Microsoft.Storage/storageAccounts"));
        var functionApp = ArmSnapshot.Name(snapshot.Resource(ArmSnapshot.FunctionAppType));
        using var services = AppEnvironment.Services(AppEnvironment.ResolvedAppSettings(snapshot));

        // Act
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var api = services.GetRequiredService<IOptions<ApiOptions>>().Value;
        var importKeys = services.GetRequiredService<IOptions<ImportKeysOptions>>().Value;
        var partners = services.GetRequiredService<IOptions<PartnersOptions>>().Value;

        // Assert
        Assert.Null(storage.ConnectionString);
        Assert.Equal(new Uri($"https://{storageAccount}.table.core.windows.net/"), storage.TableServiceUri);
        Assert.Equal("", storage.TablePrefix);
        Assert.Equal(new Uri($"https://{functionApp}.azurewebsites.net"), api.PublicBaseUrl);
        Assert.Equal(30, importKeys.CacheSeconds);
        Assert.Equal(300, importKeys.LastUsedWriteIntervalSeconds);
        var amplitude = Assert.Single(partners);
        Assert.Equal("amplitude", amplitude.Key);
        Assert.Equal("Amplitude", amplitude.Value.DisplayName);
        Assert.Equal(
            [DeploymentStandIns.ResolvedSecret("partner-amplitude-api-key-0"), DeploymentStandIns.ResolvedSecret("partner-amplitude-api-key-1")],
            amplitude.Value.ApiKeys);
    }

    [Fact]
    public void StartupValidation_TwoPartnersAndTablePrefix_PassesWithBothPartners()
    {
        // Arrange
        var snapshot = infra.Snapshot("two-partners.bicepparam", TwoPartnersParameters);
        using var services = AppEnvironment.Services(AppEnvironment.ResolvedAppSettings(snapshot));

        // Act
        services.GetRequiredService<IStartupValidator>().Validate();
        var partners = services.GetRequiredService<IOptions<PartnersOptions>>().Value;
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;

        // Assert
        Assert.Equal(["amplitude", "mixpanel"], partners.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Mixpanel", partners["mixpanel"].DisplayName);
        Assert.Equal(2, partners["mixpanel"].ApiKeys.Count);
        Assert.Equal("ci", storage.TablePrefix);
    }

    [Fact]
    public void Tables_TwoPartnersAndTablePrefix_DeclaresEveryAppTableWithThePrefix()
    {
        // Arrange
        var snapshot = infra.Snapshot("two-partners.bicepparam", TwoPartnersParameters);
        var declared = snapshot.OfType("Microsoft.Storage/storageAccounts/tableServices/tables")
            .Select(t => ArmSnapshot.Name(t).Split('/')[^1])
            .ToHashSet(StringComparer.Ordinal);

        // Act
        var missing = new TableNames("ci").All.Where(t => !declared.Contains(t)).ToList();

        // Assert
        Assert.Empty(missing);
        Assert.All(declared, t => Assert.StartsWith("ci", t, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Storage__TableServiceUri")]
    [InlineData("Partners__amplitude__DisplayName")]
    public void StartupValidation_RequiredSettingRemoved_Fails(string setting)
    {
        // Arrange: the control that shows the validation above is not vacuous.
        var settings = AppEnvironment.ResolvedAppSettings(infra.DevSnapshot);
        Assert.True(settings.Remove(setting), $"The template no longer sets {setting}.");
        using var services = AppEnvironment.Services(settings);

        // Act
        var exception = Record.Exception(() => services.GetRequiredService<IStartupValidator>().Validate());

        // Assert
        Assert.IsType<OptionsValidationException>(exception, exactMatch: false);
    }

    [Fact]
    public void StartupValidation_StorageConnectionStringAdded_Fails()
    {
        // Arrange: Storage__ConnectionString next to the service URI is rejected by the app, one more reason never to set it.
        var settings = AppEnvironment.ResolvedAppSettings(infra.DevSnapshot);
        settings["Storage__ConnectionString"] = "UseDevelopmentStorage=true";
        using var services = AppEnvironment.Services(settings);

        // Act
        var exception = Record.Exception(() => services.GetRequiredService<IStartupValidator>().Validate());

        // Assert
        Assert.IsType<OptionsValidationException>(exception, exactMatch: false);
    }
}
