using System.ComponentModel.DataAnnotations;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace CohortFunctions.App.Telemetry;

/// <summary>
/// Where the worker's telemetry goes. Azure's and OpenTelemetry's own setting names are read as they are, so the
/// settings the Bicep deploys (and that the Functions host reads too) configure the worker as well; nothing is
/// collected or sent when none of them is set.
/// </summary>
internal sealed class TelemetryOptions : IValidatableObject
{
    public const string SectionName = "Telemetry";

    /// <summary>The Application Insights component to send metrics to (Azure Monitor exporter).</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>How to authenticate to it: <c>Authorization=AAD</c>, with <c>ClientId=...</c> for a user-assigned identity.</summary>
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>An OTLP collector to send metrics, traces and logs to (development: the Aspire dashboard, Jaeger...).</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary><c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>.</summary>
    public string? ApplicationInsightsConnectionString { get; set; }

    /// <summary><c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>; empty means the connection string's key alone (local authentication).</summary>
    public string? ApplicationInsightsAuthenticationString { get; set; }

    /// <summary><c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, e.g. <c>http://localhost:4317</c>.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>Telemetry__ConsoleExporter</c>: also write metrics and traces to the console (development only).</summary>
    public bool ConsoleExporter { get; set; }

    public bool ExportsToAzureMonitor => !string.IsNullOrWhiteSpace(ApplicationInsightsConnectionString);

    public bool ExportsOverOtlp => !string.IsNullOrWhiteSpace(OtlpEndpoint);

    public bool ExportsAnything => ExportsToAzureMonitor || ExportsOverOtlp || ConsoleExporter;

    /// <summary>The options as <paramref name="configuration"/> sets them.</summary>
    public static TelemetryOptions Read(IConfiguration configuration)
    {
        var options = new TelemetryOptions();
        Bind(options, configuration);
        return options;
    }

    /// <summary>Reads the settings into <paramref name="options"/> (the options pipeline binds with this too).</summary>
    public static void Bind(TelemetryOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        options.ApplicationInsightsConnectionString = configuration[ConnectionStringSetting];
        options.ApplicationInsightsAuthenticationString = configuration[AuthenticationStringSetting];
        options.OtlpEndpoint = configuration[OtlpEndpointSetting];
        options.ConsoleExporter = configuration.GetSection(SectionName).GetValue<bool>(nameof(ConsoleExporter));
    }

    /// <summary>
    /// The Entra credential the Azure Monitor exporter authenticates with, as <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>
    /// says (the same setting the Functions host reads): the managed identity with that client id, or the
    /// system-assigned one; null when the setting is empty (or invalid: then validation stops the app at start).
    /// </summary>
    public TokenCredential? Credential()
    {
        if (string.IsNullOrWhiteSpace(ApplicationInsightsAuthenticationString) || !TryParseAuthentication(ApplicationInsightsAuthenticationString, out var clientId))
        {
            return null;
        }

        return new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId));
    }

    /// <summary>The client id of a valid authentication string; null for the system-assigned identity.</summary>
    public static string? ClientIdOf(string authentication) =>
        TryParseAuthentication(authentication, out var clientId) ? clientId : throw new ArgumentException(InvalidAuthenticationMessage, nameof(authentication));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(ApplicationInsightsAuthenticationString) && !TryParseAuthentication(ApplicationInsightsAuthenticationString, out _))
        {
            yield return new ValidationResult(InvalidAuthenticationMessage, [nameof(ApplicationInsightsAuthenticationString)]);
        }

        if (ExportsOverOtlp && !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https"))
        {
            yield return new ValidationResult($"{OtlpEndpointSetting} must be an absolute http or https URL, e.g. http://localhost:4317.", [nameof(OtlpEndpoint)]);
        }
    }

    private const string InvalidAuthenticationMessage =
        AuthenticationStringSetting + " must be 'Authorization=AAD' (system-assigned identity) or 'ClientId=<client id>;Authorization=AAD' (user-assigned identity).";

    /// <summary><c>Authorization=AAD</c> and at most a <c>ClientId</c> that is a GUID, in any order and case of the names.</summary>
    private static bool TryParseAuthentication(string value, out string? clientId)
    {
        clientId = null;
        var aad = false;
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2)
            {
                return false;
            }

            if (pair[0].Equals("Authorization", StringComparison.OrdinalIgnoreCase) && pair[1].Equals("AAD", StringComparison.OrdinalIgnoreCase))
            {
                aad = true;
            }
            else if (pair[0].Equals("ClientId", StringComparison.OrdinalIgnoreCase) && Guid.TryParse(pair[1], out _) && clientId is null)
            {
                clientId = pair[1];
            }
            else
            {
                return false;
            }
        }

        return aad;
    }
}
