using Microsoft.AspNetCore.Http;

namespace CohortFunctions.App.Http;

/// <summary>
/// Bounds how long a request may work: the request's <see cref="HttpContext.RequestAborted"/> is replaced by one that
/// also fires after <see cref="ApiOptions.RequestTimeoutSeconds"/> (and when the host cancels the invocation), so
/// storage calls stop, and <see cref="UnhandledErrors"/> answers 503 with <c>Retry-After</c> instead of hanging.
/// </summary>
internal static class RequestDeadline
{
    private static readonly object Key = new();

    /// <summary>Applies the deadline; dispose the result when the request ends.</summary>
    /// <param name="context">The request.</param>
    /// <param name="timeout">How long the request may work.</param>
    /// <param name="invocation">The host's cancellation of the invocation (shutdown, or its own view of an abort).</param>
    public static IDisposable Apply(HttpContext context, TimeSpan timeout, CancellationToken invocation = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, invocation);
        deadline.CancelAfter(timeout);
        context.Items[Key] = new State(deadline, context.RequestAborted);
        context.RequestAborted = deadline.Token;
        return deadline;
    }

    /// <summary>
    /// The token an HTTP function passes to everything it calls. The isolated worker binds a function's
    /// <see cref="CancellationToken"/> parameter to the invocation, not to the request, so it never sees this deadline
    /// under the Functions host: HTTP functions take their token from here instead.
    /// </summary>
    public static CancellationToken Token(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.HttpContext.RequestAborted;
    }

    /// <summary>
    /// The token to write a response with: only the client going away stops it. A function may finish after its
    /// deadline fired (its answer is still the right one to send), and the answer to a deadline is written after it.
    /// </summary>
    public static CancellationToken ResponseToken(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[Key] is State state ? state.ClientAborted : context.RequestAborted;
    }

    /// <summary>Whether the deadline, not the client, ended the request.</summary>
    public static bool TimedOut(HttpContext context) =>
        context?.Items[Key] is State state && state.Deadline.IsCancellationRequested && !state.ClientAborted.IsCancellationRequested;

    /// <summary>Whether the client went away.</summary>
    public static bool ClientAborted(HttpContext context) =>
        context?.Items[Key] is State state ? state.ClientAborted.IsCancellationRequested : context?.RequestAborted.IsCancellationRequested == true;

    private sealed record State(CancellationTokenSource Deadline, CancellationToken ClientAborted);
}
