using System.CommandLine;
using CohortFunctions.CohortSync.Import;

namespace CohortFunctions.CohortSync.Cli;

/// <summary>The command line of <c>cohort-sync users</c>: imports a user base through the users API.</summary>
internal static class UsersCommand
{
    public const string Name = "users";

    private static readonly Option<string> File = new("--file", "-f")
    {
        Description = "The user file: CSV with a header row, or NDJSON (one JSON object per line). Read as a stream.",
        Required = true,
        HelpName = "path",
    };

    private static readonly Option<string?> Format = CreateFormatOption();

    private static readonly Option<string> Endpoint = new("--endpoint", "-e")
    {
        Description = "The app's base URL, such as http://127.0.0.1:7071 or https://<app>.azurewebsites.net.",
        Required = true,
        HelpName = "url",
    };

    private static readonly Option<string> Workspace = new("--workspace", "-w")
    {
        Description = "The workspace the users belong to.",
        Required = true,
        HelpName = "id",
    };

    private static readonly Option<string?> FunctionKey = new("--function-key")
    {
        Description = $"The function key, sent in x-functions-key (Azure needs it); better from {CliEnvironment.FunctionKeyVariable}. Never printed.",
        HelpName = "key",
    };

    private static readonly Option<string> Mapping = new("--mapping", "-m")
    {
        Description = "Which columns (NDJSON: fields) hold which identifiers: external_id[:column], device_id[:column], alias:column[=label]; "
            + "for example external_id:user_id,device_id:device,alias:email. The first external_id (and alias of a label) with a value wins; every device_id with a value is sent.",
        DefaultValueFactory = _ => UserMapping.DefaultSpecification,
        HelpName = "list",
    };

    private static readonly Option<string?> StatePath = new("--state")
    {
        Description = "The state file of the import, saved after every acknowledged batch; a run that stopped is resumed from it [default: .cohort-sync/users-<workspace>-<file name>.json].",
        HelpName = "path",
    };

    private static readonly Option<string?> RejectsPath = new("--rejects")
    {
        Description = "The CSV file of the lines not imported: line, kind (malformed or rejected) and message [default: the state file's path, ending .rejects.csv].",
        HelpName = "path",
    };

    private static readonly Option<bool> Restart = new("--restart")
    {
        Description = "Start from the first line even when the state file holds an unfinished or finished import of this file.",
    };

    private static readonly Option<int> BatchSize = new("--batch-size")
    {
        Description = $"Users per request (1-{UserImportOptions.MaxBatchSize}).",
        DefaultValueFactory = _ => UserImportOptions.MaxBatchSize,
        HelpName = "n",
    };

    private static readonly Option<int> Parallelism = new("--parallelism")
    {
        Description = "Requests in flight at once.",
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

    private static readonly Option<bool> Json = new("--json")
    {
        Description = "Print the summary as one line of JSON on stdout.",
    };

    private static readonly Option<string> ProgressInterval = DurationOptions.Create(
        "--progress-interval",
        "The least time between two progress lines on stderr when it is not a terminal (0: after every batch).",
        "2s");

    public static Command Create(Func<ParseResult, CancellationToken, Task<int>> action)
    {
        var command = new Command(
            Name,
            "Imports a whole user base from a CSV or NDJSON file through POST /manage/workspaces/{ws}/users: 1,000 users a request, "
            + "in parallel, with retries; resumes after a crash from the last acknowledged batch; writes the lines not imported to a rejects file.")
        {
            File, Format, Endpoint, Workspace, FunctionKey, Mapping, StatePath, RejectsPath, Restart,
            BatchSize, Parallelism, Retries, RetryDelay, Timeout, Json, ProgressInterval,
        };
        command.SetAction(action);
        return command;
    }

    /// <summary>The settings of a parse without errors, or the problems that stop it (a usage error).</summary>
    public static (UserImportSettings? Settings, IReadOnlyList<string> Problems) Bind(ParseResult parse, Func<string, string?> getVariable)
    {
        var problems = new List<string>();
        var endpointText = parse.GetRequiredValue(Endpoint);
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint))
        {
            problems.Add($"'{endpointText}' is not an absolute URL.");
        }

        if (!UserMapping.TryParse(parse.GetValue(Mapping), out var mapping, out var mappingError))
        {
            problems.Add(mappingError);
        }

        var options = new UserImportOptions
        {
            Endpoint = endpoint!,
            Workspace = parse.GetRequiredValue(Workspace),
            FunctionKey = parse.GetValue(FunctionKey) ?? getVariable(CliEnvironment.FunctionKeyVariable),
            File = parse.GetRequiredValue(File),
            Format = parse.GetValue(Format) is { } format ? Enum.Parse<UserFileFormat>(format, ignoreCase: true) : null,
            Mapping = mapping ?? UserMapping.Default,
            BatchSize = parse.GetValue(BatchSize),
            Parallelism = parse.GetValue(Parallelism),
            MaxRetries = parse.GetValue(Retries),
            RetryBaseDelay = DurationOptions.Value(parse, RetryDelay),
            RequestTimeout = DurationOptions.Value(parse, Timeout),
            StatePath = parse.GetValue(StatePath),
            RejectsPath = parse.GetValue(RejectsPath),
            Restart = parse.GetValue(Restart),
        };
        if (endpoint is not null)
        {
            problems.AddRange(options.Validate());
        }

        return problems.Count > 0
            ? (null, problems)
            : (new UserImportSettings(options, parse.GetValue(Json), DurationOptions.Value(parse, ProgressInterval)), problems);
    }

    private static Option<string?> CreateFormatOption()
    {
        var option = new Option<string?>("--format")
        {
            Description = "csv or ndjson [default: from the extension: .csv; .ndjson, .jsonl or .json].",
            HelpName = "format",
        };
        option.AcceptOnlyFromAmong("csv", "ndjson");
        return option;
    }
}
