using System.CommandLine;
using CohortFunctions.CohortSync.Members;
using CohortFunctions.CohortSync.State;
using CohortFunctions.CohortSync.Sync;

namespace CohortFunctions.CohortSync.Cli;

/// <summary>Everything one invocation needs, from the command line and the environment.</summary>
internal sealed record SyncSettings(
    CohortSyncOptions Options,
    string File,
    IdentifierMapping Mapping,
    string StatePath,
    Cadence Cadence,
    bool FullSync,
    bool DryRun,
    bool Json,
    TimeSpan ProgressInterval);

/// <summary>The command line of <c>cohort-sync</c>.</summary>
internal static class CohortSyncCommand
{
    private static readonly Option<string> File = new("--file", "-f")
    {
        Description = "The cohort membership file: CSV with a header row (user_id, device_id, amplitude_id, alias columns…). Re-read on every sync.",
        Required = true,
        HelpName = "path",
    };

    private static readonly Option<string> Endpoint = new("--endpoint", "-e")
    {
        Description = "The app's base URL, such as http://127.0.0.1:7071 or https://<app>.azurewebsites.net.",
        Required = true,
        HelpName = "url",
    };

    private static readonly Option<string> Partner = new("--partner")
    {
        Description = "The partner of the endpoints' path: /partners/<partner>/cohorts.",
        DefaultValueFactory = _ => CohortSyncOptions.DefaultPartner,
    };

    private static readonly Option<string?> PartnerApiKey = new("--partner-api-key")
    {
        Description = $"The partner API key; better from {CliEnvironment.PartnerApiKeyVariable}, out of the shell history. Never printed.",
        HelpName = "key",
    };

    private static readonly Option<string?> DataImportKey = new("--data-import-key")
    {
        Description = $"The workspace's data import key (client_secret); better from {CliEnvironment.DataImportKeyVariable}. Never printed.",
        HelpName = "key",
    };

    private static readonly Option<string> CohortId = new("--cohort-id")
    {
        Description = "The cohort's id, unique for the workspace.",
        Required = true,
        HelpName = "id",
    };

    private static readonly Option<string> CohortName = new("--cohort-name")
    {
        Description = "The cohort's name; a change is sent with the cohort name call on the next sync.",
        Required = true,
        HelpName = "name",
    };

    private static readonly Option<string> Mapping = new("--mapping", "-m")
    {
        Description = "Identifier mapping in priority order: each member is sent by the first it has a value for. "
            + "user_id[:column], device_id[:column], alias:column[=label]; for example user_id,alias:email,device_id.",
        DefaultValueFactory = _ => IdentifierMapping.DefaultSpecification,
        HelpName = "list",
    };

    private static readonly Option<string?> StatePath = new("--state")
    {
        Description = $"The state file of the last successful sync [default: {JsonFileSyncStateStore.DefaultDirectory}/<partner>-<cohort id>.json].",
        HelpName = "path",
    };

    private static readonly Option<bool> Full = new("--full")
    {
        Description = "Send the whole cohort as adds (and the name call) even when a state exists; members who left are still removed.",
    };

    private static readonly Option<bool> DryRun = new("--dry-run")
    {
        Description = "Read the file and the state and print what would be sent; send nothing, save nothing.",
    };

    private static readonly Option<int> BatchSize = new("--batch-size")
    {
        Description = $"Identifiers per users request, adds and removes together (1-{CohortSyncOptions.MaxBatchSize}).",
        DefaultValueFactory = _ => CohortSyncOptions.MaxBatchSize,
        HelpName = "n",
    };

    private static readonly Option<int> Parallelism = new("--parallelism")
    {
        Description = "Users requests in flight at once.",
        DefaultValueFactory = _ => 4,
        HelpName = "n",
    };

    private static readonly Option<int> Retries = new("--retries")
    {
        Description = "Retries of a request on timeouts, connection failures, 408, 429 and 5xx.",
        DefaultValueFactory = _ => 8,
        HelpName = "n",
    };

    private static readonly Option<string> RetryDelay = DurationOptions.Create("--retry-delay", "The wait before the first retry; it doubles with each retry.", "1s");

    private static readonly Option<string> Timeout = DurationOptions.Create("--timeout", "How long one request may take before it is retried.", "30s");

    private static readonly Option<string> CadenceOption = CreateCadenceOption();

    private static readonly Option<bool> Json = new("--json")
    {
        Description = "Print each summary as one line of JSON on stdout.",
    };

    private static readonly Option<string> ProgressInterval = DurationOptions.Create("--progress-interval", "The least time between two progress lines on stderr (0: after every batch).", "2s");

    public static RootCommand Create(Func<ParseResult, CancellationToken, Task<int>> action)
    {
        var root = new RootCommand(
            "Syncs a cohort membership file to the Braze partner cohort endpoints the way Amplitude's Braze cohort sync does: "
            + "the cohort name call and the whole cohort first, then only who entered or left since the last successful sync. "
            + "'cohort-sync users' imports a whole user base instead (see cohort-sync users --help).")
        {
            File, Endpoint, Partner, PartnerApiKey, DataImportKey, CohortId, CohortName, Mapping, StatePath, Full, DryRun,
            BatchSize, Parallelism, Retries, RetryDelay, Timeout, CadenceOption, Json, ProgressInterval,
        };
        root.SetAction(action);
        return root;
    }

    /// <summary>The settings of a parse without errors, or the problems that stop it (a usage error).</summary>
    public static (SyncSettings? Settings, IReadOnlyList<string> Problems) Bind(ParseResult parse, Func<string, string?> getVariable)
    {
        var problems = new List<string>();
        var endpointText = parse.GetRequiredValue(Endpoint);
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint))
        {
            problems.Add($"'{endpointText}' is not an absolute URL.");
        }

        if (!IdentifierMapping.TryParse(parse.GetValue(Mapping), out var mapping, out var mappingError))
        {
            problems.Add(mappingError);
        }

        var options = new CohortSyncOptions
        {
            Endpoint = endpoint!,
            Partner = parse.GetValue(Partner) ?? CohortSyncOptions.DefaultPartner,
            PartnerApiKey = parse.GetValue(PartnerApiKey) ?? getVariable(CliEnvironment.PartnerApiKeyVariable) ?? string.Empty,
            DataImportKey = parse.GetValue(DataImportKey) ?? getVariable(CliEnvironment.DataImportKeyVariable) ?? string.Empty,
            CohortId = parse.GetRequiredValue(CohortId),
            CohortName = parse.GetRequiredValue(CohortName),
            BatchSize = parse.GetValue(BatchSize),
            Parallelism = parse.GetValue(Parallelism),
            MaxRetries = parse.GetValue(Retries),
            RetryBaseDelay = DurationOptions.Value(parse, RetryDelay),
            RequestTimeout = DurationOptions.Value(parse, Timeout),
        };
        if (endpoint is not null)
        {
            problems.AddRange(options.Validate());
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var statePath = parse.GetValue(StatePath) is { Length: > 0 } path ? path : JsonFileSyncStateStore.DefaultPath(options.Partner, options.CohortId);
        var settings = new SyncSettings(
            options,
            parse.GetRequiredValue(File),
            mapping!,
            statePath,
            Enum.Parse<Cadence>(parse.GetRequiredValue(CadenceOption), ignoreCase: true),
            parse.GetValue(Full),
            parse.GetValue(DryRun),
            parse.GetValue(Json),
            DurationOptions.Value(parse, ProgressInterval));
        return (settings, problems);
    }

    private static Option<string> CreateCadenceOption()
    {
        var option = new Option<string>("--cadence")
        {
            Description = "once: one sync, then exit. realtime (every minute), hourly, daily: keep syncing until Ctrl-C.",
            DefaultValueFactory = _ => "once",
        };
        option.AcceptOnlyFromAmong([.. Enum.GetNames<Cadence>().Select(n => n.ToLowerInvariant())]);
        return option;
    }
}
