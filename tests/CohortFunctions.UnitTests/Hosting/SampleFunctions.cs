using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.UnitTests.Hosting;

// The only functions of the test assembly: FunctionCatalog.For(typeof(SampleHttpFunctions).Assembly) sees exactly these.

/// <summary>HTTP functions declared the ways the app may declare them.</summary>
public sealed class SampleHttpFunctions
{
    [Function("SampleGetItem")]
    public static IActionResult GetItem(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "Post", Route = "samples/{id}")] HttpRequest request,
        string id) => new OkResult();

    /// <summary>No methods and no route: Azure then serves every method at the function's name.</summary>
    [Function("SampleDefaults")]
    public static IActionResult Defaults([HttpTrigger(AuthorizationLevel.Function)] HttpRequest request) => new OkResult();

    /// <summary>Has a trigger but no [Function]: not a function.</summary>
    public static IActionResult NotAFunction([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ignored")] HttpRequest request) => new OkResult();
}

/// <summary>Timer functions for the scheduler tests; each run is reported to <see cref="TimerRuns"/>.</summary>
public sealed class SampleTimerFunctions(TimerRuns runs)
{
    public const string ScheduleSetting = "SampleTimers__EveryMinute";

    [Function("SampleEveryMinute")]
    public Task EveryMinute([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        runs.RecordAsync(timer, cancellationToken);

    [Function("SampleOnStartup")]
    public Task OnStartup([TimerTrigger("0 0 0 * * *", RunOnStartup = true)] TimerInfo timer, CancellationToken cancellationToken) =>
        runs.RecordAsync(timer, cancellationToken);

    [Function("SampleFailing")]
    public async Task Failing([TimerTrigger("0 * * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        await runs.RecordAsync(timer, cancellationToken);
        throw new InvalidOperationException("This run fails on purpose.");
    }

    [Function("SampleYearly")]
    public Task Yearly([TimerTrigger("0 0 0 1 1 *")] TimerInfo timer, CancellationToken cancellationToken) =>
        runs.RecordAsync(timer, cancellationToken);
}

/// <summary>What the sample timer functions were called with, in order.</summary>
public sealed class TimerRuns
{
    private readonly Channel<TimerInfo> _runs = Channel.CreateUnbounded<TimerInfo>();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public async Task RecordAsync(TimerInfo timer, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        await _runs.Writer.WriteAsync(timer, cancellationToken);
    }

    /// <summary>The next run; fails the test if none comes within a generous bound.</summary>
    public async Task<TimerInfo> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            return await _runs.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The timer function did not run.");
        }
    }
}
