using CohortFunctions.App.Http;
using CohortFunctions.App.OperatorConsole;
using CohortFunctions.App.Telemetry;
using CohortFunctions.Composition;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CohortFunctions.App;

/// <summary>The app's composition: the core plus what the function classes need. Every host calls this, nothing else.</summary>
internal static class AppServiceCollectionExtensions
{
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The host's configuration, complete: which telemetry exporters exist is decided from it here.</param>
    public static IServiceCollection AddCohortFunctionsApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCohortCore();
        services.AddCohortTelemetry(configuration);
        services.AddSingleton<ConsoleAssets>();
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // The Kestrel of the worker (behind the Functions host) and of the local host: the same bodies, no Server header
        // (under the Functions host, the host's own server adds one).
        services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = HttpLimits.MaxRequestBodyBytes;
        });
        return services;
    }
}
