namespace CohortFunctions.CohortSync.Http;

/// <summary>
/// Amplitude's retry policy, shared by the cohort sync and the user import: a request is retried up to
/// <see cref="MaxRetries"/> times on a timeout, a connection failure, 408, 429 or 5xx, waiting
/// <see cref="BaseDelay"/> × 2^(retry − 1), or the <c>Retry-After</c> the server asks for (at most
/// <see cref="MaxRetryAfter"/>). One attempt may take <see cref="RequestTimeout"/>.
/// </summary>
internal sealed record RetryPolicy(int MaxRetries, TimeSpan BaseDelay, TimeSpan MaxRetryAfter, TimeSpan RequestTimeout)
{
    /// <summary>The wait after failed attempt <paramref name="attempt"/>: 1×, 2×, 4×, … the base delay.</summary>
    public TimeSpan Backoff(int attempt) => BaseDelay * Math.Pow(2, attempt - 1);
}
