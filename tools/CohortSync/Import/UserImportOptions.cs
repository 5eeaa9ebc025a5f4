using System.Text.RegularExpressions;
using CohortFunctions.CohortSync.Http;
using CohortFunctions.CohortSync.State;

namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// Where and how a user file is imported. The defaults are the cohort sync's: 1,000 users a request, 4 requests in
/// parallel, 8 retries backing off exponentially from 1 s. A class, not a record, so that the function key it holds
/// never appears in a generated <c>ToString</c>.
/// </summary>
public sealed partial class UserImportOptions
{
    /// <summary>The users API's cap: <c>users: at most 1,000 users per request.</c></summary>
    public const int MaxBatchSize = 1000;

    /// <summary>The app's base URL, such as <c>http://127.0.0.1:7071</c>.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The workspace the users belong to: <c>[a-z0-9][a-z0-9-]{0,62}</c> (docs/api.md).</summary>
    public required string Workspace { get; init; }

    /// <summary>Sent in <c>x-functions-key</c> when set (Azure requires it; the local host only when configured). Never printed.</summary>
    public string? FunctionKey { get; init; }

    /// <summary>The user file.</summary>
    public required string File { get; init; }

    /// <summary>The file's format; <c>null</c> to take it from the extension (<c>.csv</c>, <c>.ndjson</c>, <c>.jsonl</c>, <c>.json</c>).</summary>
    public UserFileFormat? Format { get; init; }

    public UserMapping Mapping { get; init; } = UserMapping.Default;

    /// <summary>Users per request; at most <see cref="MaxBatchSize"/>.</summary>
    public int BatchSize { get; init; } = MaxBatchSize;

    /// <summary>Requests in flight at once.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>Retries after the first attempt of a request, on timeouts, connection failures, 408, 429 and 5xx.</summary>
    public int MaxRetries { get; init; } = 8;

    /// <summary>The wait before the first retry; each later wait doubles.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest <c>Retry-After</c> honoured.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one attempt may take before it counts as timed out (and is retried).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The state file; <c>null</c> for <c>.cohort-sync/users-&lt;workspace&gt;-&lt;file name&gt;.json</c>.</summary>
    public string? StatePath { get; init; }

    /// <summary>
    /// The rejects file; <c>null</c> for the state file's path with <c>.rejects.csv</c> instead of <c>.json</c>: the two
    /// belong together (the state records how long the rejects file was), and are named for the workspace and the file.
    /// </summary>
    public string? RejectsPath { get; init; }

    /// <summary>Ignore an unfinished import in the state file and start from the first line.</summary>
    public bool Restart { get; init; }

    /// <summary>The format to read: <see cref="Format"/>, or the one the extension says.</summary>
    public UserFileFormat? EffectiveFormat => Format ?? UserFileFormats.FromExtension(File);

    public string EffectiveStatePath => StatePath is { Length: > 0 } path ? path : JsonFileSyncStateStore.DefaultPath("users", $"{Workspace}-{System.IO.Path.GetFileName(File)}");

    public string EffectiveRejectsPath => RejectsPath is { Length: > 0 } path ? path : System.IO.Path.ChangeExtension(EffectiveStatePath, ".rejects.csv");

    internal RetryPolicy RetryPolicy => new(MaxRetries, RetryBaseDelay, MaxRetryAfter, RequestTimeout);

    internal string EndpointKey => Endpoint.AbsoluteUri.TrimEnd('/');

    /// <summary>The problems that make these options unusable; empty when they are fine.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Endpoint is null || !Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add("The endpoint must be an absolute http or https URL, such as http://127.0.0.1:7071.");
        }

        if (Workspace is null || !WorkspaceId().IsMatch(Workspace))
        {
            problems.Add($"'{Workspace}' is not a workspace id: 1-63 lower-case letters, digits and dashes, starting with a letter or digit.");
        }

        if (string.IsNullOrWhiteSpace(File))
        {
            problems.Add("The user file must be given.");
        }
        else if (EffectiveFormat is null)
        {
            problems.Add($"Cannot tell the format of '{File}' from its extension: give --format csv or --format ndjson.");
        }
        else if (string.Equals(System.IO.Path.GetFullPath(File), System.IO.Path.GetFullPath(EffectiveRejectsPath), StringComparison.Ordinal)
            || string.Equals(System.IO.Path.GetFullPath(File), System.IO.Path.GetFullPath(EffectiveStatePath), StringComparison.Ordinal))
        {
            problems.Add("The rejects file and the state file must not be the user file.");
        }

        if (BatchSize is < 1 or > MaxBatchSize)
        {
            problems.Add($"The batch size must be between 1 and {MaxBatchSize}.");
        }

        if (Parallelism is < 1 or > 256)
        {
            problems.Add("The parallelism must be between 1 and 256.");
        }

        if (MaxRetries is < 0 or > 30)
        {
            problems.Add("The number of retries must be between 0 and 30.");
        }

        if (RetryBaseDelay < TimeSpan.Zero || MaxRetryAfter < TimeSpan.Zero)
        {
            problems.Add("Retry delays must not be negative.");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add("The request timeout must be positive.");
        }

        return problems;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex WorkspaceId();
}
