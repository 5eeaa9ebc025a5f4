using CohortFunctions.CohortSync.Members;
using CohortFunctions.CohortSync.State;
using CohortFunctions.CohortSync.Sync;

namespace CohortFunctions.CohortSyncTests.Fakes;

/// <summary>Builds engines, options and members for the tests.</summary>
public static class TestSync
{
    public const string PartnerApiKey = "partner-api-key-5f1c0e7a";

    public const string DataImportKey = "data-import-key-9b2d4c6e";

    public static readonly Uri Endpoint = new("http://cohorts.test/");

    public static CohortSyncOptions Options(
        int batchSize = 1000,
        int parallelism = 4,
        int maxRetries = 8,
        string name = "Power users",
        TimeSpan? retryBaseDelay = null,
        TimeSpan? requestTimeout = null,
        Uri? endpoint = null) => new()
        {
            Endpoint = endpoint ?? Endpoint,
            PartnerApiKey = PartnerApiKey,
            DataImportKey = DataImportKey,
            CohortId = "cohort-1",
            CohortName = name,
            BatchSize = batchSize,
            Parallelism = parallelism,
            MaxRetries = maxRetries,
            RetryBaseDelay = retryBaseDelay ?? TimeSpan.FromMilliseconds(1),
            RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(10),
        };

    public static CohortSyncEngine Engine(
        FakePartnerServer server,
        ISyncStateStore? state = null,
        CohortSyncOptions? options = null,
        Action<SyncProgress>? progress = null,
        TimeProvider? time = null) =>
        new(options ?? Options(), new HttpClient(server), state ?? new InMemorySyncStateStore(), progress, time);

    public static CohortSnapshot Users(int count, string prefix = "u") =>
        CohortSnapshot.FromIdentifiers(Enumerable.Range(1, count).Select(i => MemberIdentifier.UserId($"{prefix}{i:D5}")));

    public static CohortSnapshot Of(params MemberIdentifier[] members) => CohortSnapshot.FromIdentifiers(members);
}
