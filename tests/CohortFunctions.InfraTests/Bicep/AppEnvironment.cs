using CohortFunctions.App;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CohortFunctions.InfraTests.Bicep;

/// <summary>The app as it would start in Azure with a given set of app settings.</summary>
public static class AppEnvironment
{
    /// <summary>
    /// App settings reach the worker as environment variables, where <c>__</c> separates sections; this is the
    /// configuration the environment-variables provider builds from them.
    /// </summary>
    public static IConfiguration Configuration(IReadOnlyDictionary<string, string> appSettings)
    {
        ArgumentNullException.ThrowIfNull(appSettings);
        return new ConfigurationBuilder()
            .AddInMemoryCollection(appSettings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal), (string?)s.Value)))
            .Build();
    }

    /// <summary>The app's own composition (what Program.cs registers) over that configuration.</summary>
    public static ServiceProvider Services(IReadOnlyDictionary<string, string> appSettings)
    {
        var services = new ServiceCollection();
        var configuration = Configuration(appSettings);
        services.AddSingleton(configuration);
        services.AddLogging();
        services.AddCohortFunctionsApp(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>The snapshot's app settings with deployment-time values and Key Vault references resolved.</summary>
    public static Dictionary<string, string> ResolvedAppSettings(ArmSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.AppSettings.ToDictionary(s => s.Key, s => DeploymentStandIns.Resolve(s.Value), StringComparer.Ordinal);
    }
}
