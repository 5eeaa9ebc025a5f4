using CohortFunctions.Composition;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortFunctions.UnitTests.TestSupport;

/// <summary>
/// Options bound and validated exactly as the app composes them (<see cref="CoreServiceCollectionExtensions.AddCohortCore"/>),
/// from settings given as a test would write environment variables, with <c>:</c> between sections.
/// </summary>
public static class ComposedOptions
{
    /// <summary>The bound options; throws <see cref="OptionsValidationException"/> as the app would at start.</summary>
    public static T Get<T>(IReadOnlyDictionary<string, string?> settings)
        where T : class
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddCohortCore()
            .BuildServiceProvider();
        return services.GetRequiredService<IOptions<T>>().Value;
    }
}
