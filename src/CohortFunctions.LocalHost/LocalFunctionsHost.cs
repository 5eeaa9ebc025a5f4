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
    public static WebApplication Build(string[] args, bool loadLocalSettings = true, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (loadLocalSettings && LocalSettings.Find(Directory.GetCurrentDirectory()) is { } settingsFile)
        {
            LocalSettings.AddTo(builder.Configuration, settingsFile);
        }

        // Request lines carry query strings, and a function key may be one (?code=): never log them.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Services.AddCohortFunctionsApp();
        builder.Services.AddOptions<LocalHostOptions>().BindConfiguration(LocalHostOptions.SectionName);
        builder.Services.AddSingleton(FunctionCatalog.App);
        builder.Services.AddSingleton<IEnumerable<ScheduledTimer>>(sp =>
            [.. sp.GetRequiredService<FunctionCatalog>().Timers.Select(t => ScheduledTimer.Resolve(t, sp.GetRequiredService<IConfiguration>()))]);
        builder.Services.AddHostedService<TimerFunctionScheduler>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.Use(HandleUnexpectedErrorsAsync);
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
