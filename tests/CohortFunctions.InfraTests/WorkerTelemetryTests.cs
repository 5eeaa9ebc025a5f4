using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using CohortFunctions.App.Telemetry;
using CohortFunctions.InfraTests.Bicep;
using CohortFunctions.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortFunctions.InfraTests;

/// <summary>
/// The worker's telemetry as deployed: the app's meter has exactly the instruments the alerts, the workbook and the
/// documented queries read, and the app settings the template sets make the worker export them to the deployed
/// Application Insights component with the app's managed identity (local authentication is disabled there).
/// </summary>
[Collection(InfraTestGroup.Name)]
public sealed class WorkerTelemetryTests(InfraFixture infra)
{
    [Fact]
    public void MetricContract_TheAppsMeter_RecordsExactlyTheContractsInstruments()
    {
        Assert.Equal(MetricContract.MeterName, CohortMetrics.MeterName);
        Assert.Equal(MetricContract.Instruments.Order(StringComparer.Ordinal), CohortMetrics.Instruments.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Telemetry_DevTemplateAppSettings_AzureMonitorExporterWithTheAppsUserAssignedIdentity()
    {
        // Arrange
        var settings = AppEnvironment.ResolvedAppSettings(infra.DevSnapshot);
        using var services = AppEnvironment.Services(settings);

        // Act
        var telemetry = services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        var exporter = services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(TelemetryServiceCollectionExtensions.AzureMonitorOptionsName);

        // Assert
        Assert.True(telemetry.ExportsToAzureMonitor);
        Assert.False(telemetry.ExportsOverOtlp);
        Assert.Equal(settings["APPLICATIONINSIGHTS_CONNECTION_STRING"], exporter.ConnectionString);
        Assert.IsType<ManagedIdentityCredential>(exporter.Credential);
        Assert.Equal(settings["AZURE_CLIENT_ID"], TelemetryOptions.ClientIdOf(telemetry.ApplicationInsightsAuthenticationString!));
    }
}
