using System.Globalization;
using System.Text;
using CohortFunctions.CohortSync.Import;
using CohortFunctions.CohortSyncTests.Fakes;

namespace CohortFunctions.CohortSyncTests.Import;

/// <summary>Builds user files, options and engines for the import tests.</summary>
public static class TestImport
{
    public const string FunctionKey = "function-key-3c7e1f0a";

    public const string Workspace = "acme";

    public static UserImportOptions Options(
        string file,
        TempDirectory directory,
        string mapping = "external_id",
        int batchSize = 1000,
        int parallelism = 4,
        int maxRetries = 8,
        TimeSpan? requestTimeout = null,
        bool restart = false) => new()
        {
            Endpoint = TestSync.Endpoint,
            Workspace = Workspace,
            FunctionKey = FunctionKey,
            File = file,
            Mapping = UserMapping.Parse(mapping),
            BatchSize = batchSize,
            Parallelism = parallelism,
            MaxRetries = maxRetries,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(10),
            StatePath = directory.File("state.json"),
            RejectsPath = directory.File("rejects.csv"),
            Restart = restart,
        };

    public static UserImportEngine Engine(FakePartnerServer server, UserImportOptions options, Action<UserImportProgress>? progress = null, TimeProvider? time = null) =>
        new(options, new HttpClient(server), progress, time);

    /// <summary>A CSV of <paramref name="users"/> users <c>u000002</c>, <c>u000003</c>…: each external id names its line.</summary>
    public static string Csv(int users, Func<long, string?>? replaceLine = null)
    {
        var text = new StringBuilder("external_id\n");
        for (long line = 2; line < users + 2; line++)
        {
            text.Append(replaceLine?.Invoke(line) ?? Id(line)).Append('\n');
        }

        return text.ToString();
    }

    public static string Id(long line) => string.Create(CultureInfo.InvariantCulture, $"u{line:D6}");

    public static long LineOf(string externalId) => long.Parse(externalId.AsSpan(1), CultureInfo.InvariantCulture);

    /// <summary>The lines of the users a set of requests carried.</summary>
    public static IReadOnlyList<long> Lines(IEnumerable<RecordedRequest> requests) =>
        [.. requests.SelectMany(FakeUsersApi.ExternalIds).Select(LineOf)];

    public static IReadOnlyList<string> RejectsRows(string path) => [.. File.ReadAllLines(path).Skip(1)];
}
