using CohortFunctions.App.Functions;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.Maintenance;
using CohortFunctions.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CohortFunctions.IntegrationTests.Faults;

/// <summary>
/// The app under test with a <see cref="FaultProxy"/> between it and Azurite, short storage timeouts, two SDK retries
/// (so that some faults get through to the app rather than all being absorbed) and a short request deadline, plus the
/// means to check it from outside: <see cref="Invariants"/> reads Azurite directly, and <see cref="Direct"/> is a
/// second instance on the same tables without the proxy.
/// </summary>
internal sealed class FaultyApp : IAsyncDisposable
{
    /// <summary>The app's request deadline (<c>Api:RequestTimeoutSeconds</c>) unless a test sets another.</summary>
    public const int DefaultRequestTimeoutSeconds = 15;

    /// <summary>What the app may still do after its deadline (write the answer) plus scheduling noise on a busy CI machine.</summary>
    public static readonly TimeSpan DeadlineSlack = TimeSpan.FromSeconds(5);

    /// <summary>How long one storage call may take before the SDK gives up on it (<c>Storage:NetworkTimeoutSeconds</c>).</summary>
    public const int NetworkTimeoutSeconds = 3;

    private FaultyApp(FaultProxy proxy, TestApp app, TestApp direct, StorageInvariants invariants, int requestTimeoutSeconds, ITestOutputHelper output)
    {
        RequestTimeout = TimeSpan.FromSeconds(requestTimeoutSeconds);
        Proxy = proxy;
        App = app;
        Direct = direct;
        Invariants = invariants;
        Output = output;
        Callers = new PatientCaller(app, RequestTimeout + DeadlineSlack, output);
    }

    /// <summary>The app's request deadline.</summary>
    public TimeSpan RequestTimeout { get; }

    public FaultProxy Proxy { get; }

    /// <summary>The app under test: every storage call goes through <see cref="Proxy"/>.</summary>
    public TestApp App { get; }

    /// <summary>Another instance on the same tables, straight on Azurite: to see what a healthy instance answers.</summary>
    public TestApp Direct { get; }

    public StorageInvariants Invariants { get; }

    /// <summary>Calls the app the way its senders do: again after each 503, until it succeeds; checks every answer.</summary>
    public PatientCaller Callers { get; }

    public ITestOutputHelper Output { get; }

    /// <summary>Starts the proxy (letting everything through until a test sets its plan), the app behind it, and a direct instance.</summary>
    public static async Task<FaultyApp> StartAsync(
        int seed, ITestOutputHelper output, Action<TestAppBuilder>? configure = null, int requestTimeoutSeconds = DefaultRequestTimeoutSeconds)
    {
        var proxy = await FaultProxy.StartAsync(FaultPlan.None, seed);
        TestApp? app = null;
        try
        {
            app = await TestApp.StartAsync(b =>
            {
                b.Set(TestAppBuilder.ConnectionStringKey, proxy.ConnectionString)
                    .Set("Storage:NetworkTimeoutSeconds", NetworkTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Set("Api:RequestTimeoutSeconds", requestTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Set("Storage:MaxRetries", "2")
                    .Set("Resync:RequestBudgetSeconds", "5");
                configure?.Invoke(b);
            });
            var direct = await TestApp.StartAsync(b => b.ShareTablesWith(app));
            return new FaultyApp(proxy, app, direct, await StorageInvariants.ForAsync(app), requestTimeoutSeconds, output);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs the maintenance timer's service until one run gets through every cohort (under faults a run may fail, or
    /// pass over a cohort that failed; the next one goes on), as the daily timer would on the following days.
    /// </summary>
    /// <returns>How many runs it took.</returns>
    public static async Task<int> RunMaintenanceAsync(TestApp app, int maxRuns = 20)
    {
        ArgumentNullException.ThrowIfNull(app);
        var maintenance = app.GetRequiredService<MaintenanceService>();
        for (var run = 1; ; run++)
        {
            try
            {
                // A run that resumed after one cut short (or that passed over a failed cohort) has not seen every cohort.
                if ((await maintenance.RunAsync(CancellationToken.None)).CoveredEveryCohort)
                {
                    return run;
                }
            }
            catch (Exception ex) when (run < maxRuns && StorageFailures.IsUnavailable(ex))
            {
            }

            Assert.True(run < maxRuns, $"No maintenance run got through every cohort in {maxRuns} runs.");
        }
    }

    /// <summary>Runs the resync timer function once, as its schedule would.</summary>
    /// <returns>Whether storage cut the run short (the next run goes on).</returns>
    public async Task<bool> RunResyncTimerAsync()
    {
        var timers = ActivatorUtilities.CreateInstance<TimerFunctions>(App.Services);
        var failedBefore = ResyncFailures();
        try
        {
            await timers.ResyncDueCohorts(new TimerInfo(), CancellationToken.None);
            return ResyncFailures() > failedBefore;
        }
        catch (Exception ex) when (StorageFailures.IsUnavailable(ex))
        {
            return true;
        }
    }

    /// <summary>Writes the run's figures to the test output: what the proxy did and what the callers saw.</summary>
    public void Report(string scenario)
    {
        foreach (var plan in Proxy.PlansUsed)
        {
            Output.WriteLine($"[{scenario}] proxy plan: {plan}");
        }

        Output.WriteLine($"[{scenario}] proxy: {Proxy.Counts()}");
        Output.WriteLine($"[{scenario}] callers: {Callers.Figures()}");
        Output.WriteLine($"[{scenario}] invariants checked: {Invariants.Checked}");
    }

    /// <summary>Passes the resync timer logged as failed (it goes on with the next cohort rather than throwing).</summary>
    private int ResyncFailures() => App.Logs.Entries.Count(e => e.EventId.Name == "PassFailed");

    public async ValueTask DisposeAsync()
    {
        await Direct.DisposeAsync();
        await App.DisposeAsync();
        await Proxy.DisposeAsync();
    }
}
