using Azure.Data.Tables;
using CohortFunctions.Identifiers;
using CohortFunctions.Storage;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Benchmark;

/// <summary>
/// Seeds identified users straight into storage, with the users store's own row shapes (<see cref="UserEntity"/>,
/// <see cref="IdentifierEntity"/>): profiles in 100-row transactions, one identifier row each. Seeding is not what the
/// benchmark measures, and through the users API 250,000 users take many minutes on this machine. The identifier rows
/// are dated a day back, as the rows of a user base that existed before its cohorts were synced are (it decides which
/// identifiers need supersede marks: <see cref="Resync.SupersedeMarks"/>).
/// </summary>
internal static class Seeder
{
    private const int Parallelism = 32;

    public static async Task SeedAsync(string connectionString, string workspace, IReadOnlyList<string> externalIds)
    {
        var ws = WorkspaceId.Parse(workspace).TryGetValue(out var parsed, out _) ? parsed : throw new ArgumentException("Bad workspace.", nameof(workspace));
        var service = new TableServiceClient(connectionString);
        var names = new TableNames("");
        var users = service.GetTableClient(names.Users);
        var identifiers = service.GetTableClient(names.Identifiers);
        var now = DateTimeOffset.UtcNow;
        var profiles = externalIds.Select(id => new UserProfile(UserId.New(), ws, id, [], [], false, now)).ToList();

        await Parallel.ForEachAsync(
            profiles.Select(p => UserEntity.From(p, now)).GroupBy(e => e.PartitionKey).SelectMany(g => g.Chunk(100)),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (chunk, ct) => await users.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), ct).ConfigureAwait(false)).ConfigureAwait(false);
        await Parallel.ForEachAsync(
            profiles,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (profile, ct) => await identifiers.AddEntityAsync(IdentifierEntity.For(ws, Identifier.External(profile.ExternalId!), profile.UserId, matchable: true, now.AddDays(-1)), ct).ConfigureAwait(false)).ConfigureAwait(false);
    }
}
