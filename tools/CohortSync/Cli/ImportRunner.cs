using System.Net.Http.Headers;
using CohortFunctions.CohortSync.Import;

namespace CohortFunctions.CohortSync.Cli;

/// <summary>
/// Runs <c>cohort-sync users</c>: plans the import (a usage error if the file, the mapping or the state cannot be
/// used), shows progress on stderr, prints the summary on stdout and turns it into the exit code.
/// </summary>
internal sealed class ImportRunner(UserImportSettings settings, CliEnvironment environment)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var options = settings.Options;
        var handler = environment.Handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = options.RequestTimeout,
        };
        using var http = new HttpClient(handler, disposeHandler: environment.Handler is null) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("cohort-sync", "1.0"));

        var progress = new ImportProgressPrinter(environment.Error, environment.ErrorIsTerminal, environment.TerminalWidth, settings.ProgressInterval, environment.Time);
        var engine = new UserImportEngine(options, http, progress.Report, environment.Time);
        UserImportSummary summary;
        try
        {
            var plan = await engine.PrepareAsync(cancellationToken).ConfigureAwait(false);
            await environment.Error.WriteLineAsync(ImportSummaryText.Plan(options, plan)).ConfigureAwait(false);
            summary = await engine.ExecuteAsync(plan, cancellationToken).ConfigureAwait(false);
        }
        catch (UserFileException e)
        {
            progress.Finish(complete: false);
            await environment.Error.WriteLineAsync($"cohort-sync users: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }

        progress.Finish(summary.Succeeded);
        await environment.Out.WriteLineAsync(settings.Json ? ImportSummaryText.Json(summary) : ImportSummaryText.Text(summary)).ConfigureAwait(false);
        await environment.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        return summary.Cancelled ? ExitCodes.Cancelled
            : !summary.Succeeded ? ExitCodes.SyncFailed
            : summary.Rejected + summary.Malformed > 0 ? ExitCodes.ImportedWithRejects
            : ExitCodes.Success;
    }
}
