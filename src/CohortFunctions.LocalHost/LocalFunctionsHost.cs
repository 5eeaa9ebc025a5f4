using CohortFunctions.App;
using CohortFunctions.App.Hosting;
using CohortFunctions.App.Http;
using Microsoft.Extensions.Options;

namespace CohortFunctions.LocalHost;

/// <summary>
/// Runs the Functions app's function classes on Kestrel: the same composition, the routes, methods, auth levels
/// and schedules read from the function attributes. For machines without Functions Core Tools, and for tests.
/// </summary>
internal static partial class LocalFunctionsHost
{
    /// <summary>Builds the host; <paramref name="loadLocalSettings"/> reads local.settings(.sample).json from the working directory.</summary>
    /// <param name="args">Command-line arguments (settings too).</param>
    /// <param name="loadLocalSettings">Whether to read local.settings(.sample).json.</param>
    /// <param name="configure">Changes the builder after the app's composition (services replaced by tests).</param>
    /// <param name="settings">When given, the app's only settings: nothing from the environment, files or arguments.</param>
    public static WebApplication Build(
        string[] args,
        bool loadLocalSettings = true,
        Action<WebApplicationBuilder>? configure = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(settings);
        }
        else if (loadLocalSettings && LocalSettings.Find(Directory.GetCurrentDirectory()) is { } settingsFile)
        {
            LocalSettings.AddTo(builder.Configuration, settingsFile);
        }

        // Request lines carry query strings, and a function key may be one (?code=): never log them.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        // The configuration is complete here: the composition decides from it which telemetry exporters exist.
        builder.Services.AddCohortFunctionsApp(builder.Configuration);
        builder.Services.AddOptions<LocalHostOptions>().BindConfiguration(LocalHostOptions.SectionName);
        builder.Services.AddSingleton(FunctionCatalog.App);
        builder.Services.AddSingleton<IEnumerable<ScheduledTimer>>(sp =>
            [.. sp.GetRequiredService<FunctionCatalog>().Timers.Select(t => ScheduledTimer.Resolve(t, sp.GetRequiredService<IConfiguration>()))]);
        builder.Services.AddHostedService<TimerFunctionScheduler>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.Use(HandleUnexpectedErrorsAsync);
        app.Use(UnreadRequestBody.DrainAfterAsync);
        app.MapFunctions(app.Services.GetRequiredService<FunctionCatalog>());
        return app;
    }

    private static async Task HandleUnexpectedErrorsAsync(HttpContext context, RequestDelegate next)
    {
        var timeout = TimeSpan.FromSeconds(context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.RequestTimeoutSeconds);
        using var deadline = RequestDeadline.Apply(context, timeout);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LocalFunctionsHost));
            await UnhandledErrors.WriteAsync(context, ex, logger).ConfigureAwait(false);
        }
    }
}
