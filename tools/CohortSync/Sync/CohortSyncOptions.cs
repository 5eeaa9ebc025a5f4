using CohortFunctions.CohortSync.Http;

namespace CohortFunctions.CohortSync.Sync;

/// <summary>
/// Where and how a cohort is synced. The defaults are Amplitude's: batches of 1,000 identifiers, 4 requests in
/// parallel, 8 retries backing off exponentially from 1 s. A class, not a record, so that the keys it holds never
/// appear in a generated <c>ToString</c>.
/// </summary>
public sealed class CohortSyncOptions
{
    /// <summary>Braze's cap: "Only 1,000 `user_ids`, `device_ids`, and `aliases` are allowed per request".</summary>
    public const int MaxBatchSize = 1000;

    public const string DefaultPartner = "amplitude";

    /// <summary>The app's base URL (a Braze REST endpoint, or this app's, such as <c>http://127.0.0.1:7071</c>).</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The partner slug of the endpoints' path: <c>/partners/{partner}/cohorts</c>.</summary>
    public string Partner { get; init; } = DefaultPartner;

    /// <summary>Sent as <c>partner_api_key</c>. Never printed.</summary>
    public required string PartnerApiKey { get; init; }

    /// <summary>The customer's data import key, sent as <c>client_secret</c>. Never printed.</summary>
    public required string DataImportKey { get; init; }

    public required string CohortId { get; init; }

    public required string CohortName { get; init; }

    /// <summary>Identifiers per users request, adds and removes together; at most <see cref="MaxBatchSize"/>.</summary>
    public int BatchSize { get; init; } = MaxBatchSize;

    /// <summary>Users requests in flight at once.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>Retries after the first attempt of a request, on timeouts, connection failures, 408, 429 and 5xx.</summary>
    public int MaxRetries { get; init; } = 8;

    /// <summary>The wait before the first retry; each later wait doubles (1 s … 128 s with the defaults).</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest <c>Retry-After</c> honoured; a longer one is cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one attempt may take before it counts as timed out (and is retried).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    internal RetryPolicy RetryPolicy => new(MaxRetries, RetryBaseDelay, MaxRetryAfter, RequestTimeout);

    /// <summary>The problems that make these options unusable; empty when they are fine.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Endpoint is null || !Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add("The endpoint must be an absolute http or https URL, such as http://127.0.0.1:7071.");
        }

        Require(problems, Partner, "The partner must not be empty.");
        Require(problems, PartnerApiKey, "The partner API key is missing (--partner-api-key or COHORT_SYNC_PARTNER_API_KEY).");
        Require(problems, DataImportKey, "The data import key is missing (--data-import-key or COHORT_SYNC_DATA_IMPORT_KEY).");
        Require(problems, CohortId, "The cohort id must not be empty.");
        Require(problems, CohortName, "The cohort name must not be empty.");
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

    private static void Require(List<string> problems, string? value, string problem)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add(problem);
        }
    }
}
