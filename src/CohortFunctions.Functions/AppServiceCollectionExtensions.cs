using CohortFunctions.App.Http;
using CohortFunctions.App.OperatorConsole;
using CohortFunctions.Composition;
using Microsoft.Extensions.DependencyInjection;

namespace CohortFunctions.App;

/// <summary>The app's composition: the core plus what the function classes need. Every host calls this, nothing else.</summary>
public static class AppServiceCollectionExtensions
{
    public static IServiceCollection AddCohortFunctionsApp(this IServiceCollection services)
    {
        services.AddCohortCore();
        services.AddSingleton<ConsoleAssets>();
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
