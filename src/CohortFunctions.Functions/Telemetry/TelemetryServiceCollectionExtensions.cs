using Azure.Monitor.OpenTelemetry.Exporter;
using CohortFunctions.Telemetry;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CohortFunctions.App.Telemetry;

/// <summary>
/// The worker's telemetry, with OpenTelemetry and the Functions worker's support for it (docs/decisions.md,
/// "Telemetry"). In Azure (<see cref="TelemetryOptions.ConnectionStringSetting"/> set): the app's metrics (meter
/// <see cref="CohortMetrics.MeterName"/>) to Application Insights with the Azure Monitor exporter, authenticated with
/// the managed identity. Requests and the worker's logs reach Application Insights through the Functions host, as
/// before; the worker does not send them again. In development: metrics, traces and logs over OTLP
/// (<see cref="TelemetryOptions.OtlpEndpointSetting"/>) and metrics and traces on the console. Otherwise nothing.
/// </summary>
internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>The name of the Azure Monitor exporter's options (named, so they are plain options a test can read).</summary>
    public const string AzureMonitorOptionsName = "CohortFunctions";

    /// <summary>The worker's own invocation spans, and the Azure SDK's spans of storage calls.</summary>
    private static readonly string[] TraceSources = ["Microsoft.Azure.Functions.Worker", "Microsoft.AspNetCore", "Azure.*"];

    public static IServiceCollection AddCohortTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().Configure<IConfiguration>(TelemetryOptions.Bind).ValidateDataAnnotations().ValidateOnStart();

        // Which exporters exist is decided here, at composition, from the host's configuration; what they send is
        // validated at start with the options above.
        var settings = TelemetryOptions.Read(configuration);
        if (!settings.ExportsAnything)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(CohortMetrics.MeterName);
            if (settings.ExportsToAzureMonitor)
            {
                metrics.AddAzureMonitorMetricExporter(
                    exporter =>
                    {
                        exporter.ConnectionString = settings.ApplicationInsightsConnectionString;
                        exporter.Credential = settings.Credential();
                    },
                    name: AzureMonitorOptionsName);
            }

            if (settings.ExportsOverOtlp)
            {
                metrics.AddOtlpExporter();
            }

            if (settings.ConsoleExporter)
            {
                metrics.AddConsoleExporter();
            }
        });

        if (settings.ExportsOverOtlp || settings.ConsoleExporter)
        {
            // The Azure SDK's spans of storage calls are still marked experimental: switched on for these exporters only.
            AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(TraceSources);
                if (settings.ExportsOverOtlp)
                {
                    tracing.AddOtlpExporter();
                }

                if (settings.ConsoleExporter)
                {
                    tracing.AddConsoleExporter();
                }
            });
        }

        if (settings.ExportsOverOtlp)
        {
            telemetry.WithLogging(logging => logging.AddOtlpExporter(), logging =>
            {
                logging.IncludeScopes = true;
                logging.IncludeFormattedMessage = true;
            });
        }

        return services;
    }
}
