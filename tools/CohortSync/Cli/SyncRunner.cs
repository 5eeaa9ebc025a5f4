using System.Net.Http.Headers;
using CohortFunctions.CohortSync.Members;
using CohortFunctions.CohortSync.State;
using CohortFunctions.CohortSync.Sync;

namespace CohortFunctions.CohortSync.Cli;

/// <summary>
/// Runs the syncs of one invocation: once, or on a cadence until cancelled, re-reading the file each time. A
/// problem found before the first sync (file, mapping, state) is a usage error; on a cadence, later problems are
/// reported and the next sync is still tried.
/// </summary>
internal sealed class SyncRunner(SyncSettings settings, CliEnvironment environment)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var handler = environment.Handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = settings.Options.RequestTimeout,
        };
        using var http = new HttpClient(handler, disposeHandler: environment.Handler is null) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("cohort-sync", "1.0"));

        var progress = new ProgressPrinter(environment.Error, settings.ProgressInterval, environment.Time);
        var engine = new CohortSyncEngine(settings.Options, http, new JsonFileSyncStateStore(settings.StatePath), progress.Report, environment.Time);
        var interval = settings.Cadence.Interval();
        var exitCode = ExitCodes.Success;
        for (var run = 1; ; run++)
        {
            var started = environment.Time.GetUtcNow();
            exitCode = await RunOnceAsync(engine, progress, fullSync: settings.FullSync && run == 1, cancellationToken).ConfigureAwait(false);
            if (interval is not { } every || exitCode == ExitCodes.Cancelled || (run == 1 && exitCode == ExitCodes.Usage))
            {
                return exitCode;
            }

            var next = started + every;
            var wait = next - environment.Time.GetUtcNow();
            await environment.Error.WriteLineAsync($"cohort-sync: next sync at {next.ToLocalTime():yyyy-MM-dd HH:mm:ss} ({settings.Cadence.ToString().ToLowerInvariant()}); Ctrl-C to stop").ConfigureAwait(false);
            try
            {
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, environment.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await environment.Error.WriteLineAsync("cohort-sync: stopped").ConfigureAwait(false);
                return exitCode;
            }
        }
    }

    private async Task<int> RunOnceAsync(CohortSyncEngine engine, ProgressPrinter progress, bool fullSync, CancellationToken cancellationToken)
    {
        SyncPlan plan;
        try
        {
            var snapshot = await CohortFile.ReadAsync(settings.File, settings.Mapping, cancellationToken).ConfigureAwait(false);
            plan = await engine.PlanAsync(snapshot, fullSync, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CohortFileException or InvalidDataException)
        {
            await environment.Error.WriteLineAsync($"cohort-sync: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }

        await environment.Error.WriteLineAsync(SummaryText.Plan(settings.Options, plan, settings.Mapping)).ConfigureAwait(false);
        if (settings.DryRun)
        {
            return ExitCodes.Success;
        }

        progress.Restart();
        var summary = await engine.ExecuteAsync(plan, cancellationToken).ConfigureAwait(false);
        if (settings.Json)
        {
            await environment.Out.WriteLineAsync(SummaryText.Json(summary)).ConfigureAwait(false);
        }
        else
        {
            await environment.Out.WriteLineAsync(SummaryText.Text(settings.Options, summary)).ConfigureAwait(false);
        }

        await environment.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        return summary.Succeeded ? ExitCodes.Success : summary.Cancelled ? ExitCodes.Cancelled : ExitCodes.SyncFailed;
    }
}
