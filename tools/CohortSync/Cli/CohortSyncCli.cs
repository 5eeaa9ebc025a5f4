using System.CommandLine;

namespace CohortFunctions.CohortSync.Cli;

/// <summary>The whole command, the cohort sync and <c>users</c>: parse, bind, run. Usage errors exit with 2 before anything is sent.</summary>
internal static class CohortSyncCli
{
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var root = CohortSyncCommand.Create((parse, ct) => RunAsync(parse, environment, ct));
        root.Subcommands.Add(UsersCommand.Create((parse, ct) => RunUsersAsync(parse, environment, ct)));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await environment.Error.WriteLineAsync($"cohort-sync: {error.Message}").ConfigureAwait(false);
            }

            await environment.Error.WriteLineAsync("cohort-sync: see --help").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        // Ctrl-C is handled by Program (one token for the whole run), not by System.CommandLine.
        var invocation = new InvocationConfiguration { Output = environment.Out, Error = environment.Error, ProcessTerminationTimeout = null };
        return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> RunAsync(ParseResult parse, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var (settings, problems) = CohortSyncCommand.Bind(parse, environment.GetVariable);
        if (settings is null)
        {
            foreach (var problem in problems)
            {
                await environment.Error.WriteLineAsync($"cohort-sync: {problem}").ConfigureAwait(false);
            }

            return ExitCodes.Usage;
        }

        return await new SyncRunner(settings, environment).RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> RunUsersAsync(ParseResult parse, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var (settings, problems) = UsersCommand.Bind(parse, environment.GetVariable);
        if (settings is null)
        {
            foreach (var problem in problems)
            {
                await environment.Error.WriteLineAsync($"cohort-sync users: {problem}").ConfigureAwait(false);
            }

            return ExitCodes.Usage;
        }

        return await new ImportRunner(settings, environment).RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
