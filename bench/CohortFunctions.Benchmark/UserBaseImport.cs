using CohortFunctions.CohortSync.Import;

namespace CohortFunctions.Benchmark;

/// <summary>
/// Imports the user base through the users API with <c>cohort-sync users</c>' engine, used as a library as the
/// benchmark uses the cohort sync's engine: the import is measured, not bypassed, with the importer's own batching,
/// parallelism and retries (docs/cohort-sync.md, "The importer as a library").
/// </summary>
internal static class UserBaseImport
{
    /// <summary>Imports <paramref name="file"/> (a CSV with an <c>external_id</c> column) into <paramref name="workspace"/>.</summary>
    public static async Task<UserImportSummary> ImportAsync(Uri endpoint, string workspace, string file, string workDirectory, int batchSize, int parallelism)
    {
        // The engine applies its own per-request timeout.
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { Timeout = Timeout.InfiniteTimeSpan };
        var engine = new UserImportEngine(
            new UserImportOptions
            {
                Endpoint = endpoint,
                Workspace = workspace,
                File = file,
                Mapping = UserMapping.Parse("external_id"),
                BatchSize = batchSize,
                Parallelism = parallelism,
                StatePath = Path.Combine(workDirectory, "import-state.json"),
                RejectsPath = Path.Combine(workDirectory, "import-rejects.csv"),
                Restart = true,
            },
            http);
        return await engine.ImportAsync().ConfigureAwait(false);
    }
}
