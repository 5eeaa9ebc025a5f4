using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using CohortFunctions.App;
using CohortFunctions.App.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CohortFunctions.UnitTests.Telemetry;

/// <summary>
/// Which exporters the app's composition wires, from its settings alone: none without a connection string, an OTLP
/// endpoint or the console switch (nothing is collected or sent); the Azure Monitor exporter with the managed identity
/// when Application Insights is configured. Checked on the composed services and options: nothing is built that
/// would send anything.
/// </summary>
public sealed class TelemetryWiringTests
{
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=https://ingestion.invalid/";
    private const string ClientId = "11111111-2222-3333-4444-555555555555";

    [Fact]
    public void AddCohortFunctionsApp_NoConnectionStringNoOtlpEndpoint_WiresNoTelemetryProviderAtAll()
    {
        // Act
        var services = Compose([]);

        // Assert
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(MeterProvider) || d.ServiceType == typeof(TracerProvider));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IConfigureOptions<AzureMonitorExporterOptions>));
        Assert.False(Read(services).ExportsAnything);
    }

    [Fact]
    public void AddCohortFunctionsApp_ConnectionStringWithUserAssignedIdentity_AzureMonitorExporterWithThatIdentity()
    {
        // Arrange
        var services = Compose(new()
        {
            [TelemetryOptions.ConnectionStringSetting] = ConnectionString,
            [TelemetryOptions.AuthenticationStringSetting] = $"ClientId={ClientId};Authorization=AAD",
        });

        // Act
        using var provider = services.BuildServiceProvider();
        var exporter = provider.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(TelemetryServiceCollectionExtensions.AzureMonitorOptionsName);
        var telemetry = provider.GetRequiredService<IOptions<TelemetryOptions>>().Value;

        // Assert
        Assert.Contains(services, d => d.ServiceType == typeof(MeterProvider));
        Assert.Equal(ConnectionString, exporter.ConnectionString);
        Assert.IsType<ManagedIdentityCredential>(exporter.Credential);
        Assert.Equal(ClientId, TelemetryOptions.ClientIdOf(telemetry.ApplicationInsightsAuthenticationString!));
    }

    [Fact]
    public void AddCohortFunctionsApp_ConnectionStringWithoutAuthenticationString_ExporterUsesTheConnectionStringAlone()
    {
        // Arrange
        var services = Compose(new() { [TelemetryOptions.ConnectionStringSetting] = ConnectionString });

        // Act
        using var provider = services.BuildServiceProvider();
        var exporter = provider.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(TelemetryServiceCollectionExtensions.AzureMonitorOptionsName);

        // Assert
        Assert.Equal(ConnectionString, exporter.ConnectionString);
        Assert.Null(exporter.Credential);
    }

    [Fact]
    public void AddCohortFunctionsApp_OtlpEndpoint_WiresMetricsAndTracesButNoAzureMonitorExporter()
    {
        // Act
        var services = Compose(new() { [TelemetryOptions.OtlpEndpointSetting] = "http://127.0.0.1:4317" });

        // Assert
        Assert.Contains(services, d => d.ServiceType == typeof(MeterProvider));
        Assert.Contains(services, d => d.ServiceType == typeof(TracerProvider));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IConfigureOptions<AzureMonitorExporterOptions>));
    }

    [Theory]
    [InlineData(TelemetryOptions.AuthenticationStringSetting, "Authorization=Key")]
    [InlineData(TelemetryOptions.AuthenticationStringSetting, "ClientId=not-a-guid;Authorization=AAD")]
    [InlineData(TelemetryOptions.OtlpEndpointSetting, "localhost:4317")]
    public void StartupValidation_WrongTelemetrySetting_StopsTheAppNamingTheSetting(string setting, string value)
    {
        // Arrange
        using var provider = Compose(new()
        {
            [TelemetryOptions.ConnectionStringSetting] = ConnectionString,
            [setting] = value,
        }).BuildServiceProvider();

        // Act
        var thrown = Record.Exception(() => provider.GetRequiredService<IStartupValidator>().Validate());

        // Assert
        Assert.IsType<OptionsValidationException>(thrown);
        Assert.Contains(setting, thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Authorization=AAD", null)]
    [InlineData("ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD", ClientId)]
    [InlineData("authorization=aad; clientid=11111111-2222-3333-4444-555555555555", ClientId)]
    public void ClientIdOf_ValidAuthenticationString_NamesTheIdentity(string authentication, string? clientId) =>
        Assert.Equal(clientId, TelemetryOptions.ClientIdOf(authentication));

    private static TelemetryOptions Read(ServiceCollection services)
    {
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<TelemetryOptions>>().Value;
    }

    /// <summary>The app's composition over these settings only (no environment), as every host runs it.</summary>
    private static ServiceCollection Compose(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Storage:ConnectionString", "UseDevelopmentStorage=true");
        settings.TryAdd("Partners:amplitude:DisplayName", "Amplitude");
        settings.TryAdd("Partners:amplitude:ApiKeys:0", "amplitude-key");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddCohortFunctionsApp(configuration);
        return services;
    }
}
