using System.Runtime.InteropServices;
using CohortFunctions.CohortSync.Cli;

// Ctrl-C and SIGTERM cancel the run: in-flight requests stop, the state is not saved, the summary is printed.
// A second Ctrl-C ends the process at once.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!stop.IsCancellationRequested)
    {
        e.Cancel = true;
        Console.Error.WriteLine("cohort-sync: stopping (Ctrl-C again to quit now)");
        stop.Cancel();
    }
};
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

return await CohortSyncCli.RunAsync(args, CliEnvironment.System, stop.Token).ConfigureAwait(false);
