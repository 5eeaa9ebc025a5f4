using Microsoft.AspNetCore.Http;

namespace CohortFunctions.App.Http;

/// <summary>
/// Bounds how long a request may work: the request's <see cref="HttpContext.RequestAborted"/> (the token functions
/// receive) is replaced by one that also fires after <see cref="ApiOptions.RequestTimeoutSeconds"/>, so storage
/// calls stop, and <see cref="UnhandledErrors"/> answers 503 with <c>Retry-After</c> instead of hanging.
/// </summary>
internal static class RequestDeadline
{
    private static readonly object Key = new();

    /// <summary>Applies the deadline; dispose the result when the request ends.</summary>
    public static IDisposable Apply(HttpContext context, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(context);
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(timeout);
        context.Items[Key] = new State(deadline, context.RequestAborted);
        context.RequestAborted = deadline.Token;
        return deadline;
    }

    /// <summary>Whether the deadline, not the client, ended the request.</summary>
    public static bool TimedOut(HttpContext context) =>
        context?.Items[Key] is State state && state.Deadline.IsCancellationRequested && !state.ClientAborted.IsCancellationRequested;

    /// <summary>Whether the client went away.</summary>
    public static bool ClientAborted(HttpContext context) =>
        context?.Items[Key] is State state ? state.ClientAborted.IsCancellationRequested : context?.RequestAborted.IsCancellationRequested == true;

    private sealed record State(CancellationTokenSource Deadline, CancellationToken ClientAborted);
}
