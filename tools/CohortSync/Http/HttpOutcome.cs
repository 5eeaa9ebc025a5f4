namespace CohortFunctions.CohortSync.Http;

/// <summary>How a request ended after its retries.</summary>
/// <param name="Succeeded">A 2xx answer.</param>
/// <param name="StatusCode">The last HTTP status, or <c>null</c> for a timeout or connection failure.</param>
/// <param name="Message">The server's <c>message</c> (with any <c>errors</c>, secrets removed), or what went wrong.</param>
/// <param name="Body">The body of a 2xx answer, for the caller to read; <c>null</c> otherwise.</param>
/// <param name="Attempts">Attempts made, the first included.</param>
internal sealed record HttpOutcome(bool Succeeded, int? StatusCode, string Message, string? Body, int Attempts);
