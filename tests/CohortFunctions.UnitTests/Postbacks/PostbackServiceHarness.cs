using CohortFunctions.Cohorts;
using CohortFunctions.DataPoints;
using CohortFunctions.Identifiers;
using CohortFunctions.ImportKeys;
using CohortFunctions.Matching;
using CohortFunctions.Memberships;
using CohortFunctions.Partners;
using CohortFunctions.Postbacks;
using CohortFunctions.Resync;
using CohortFunctions.Telemetry;
using CohortFunctions.TestSupport;
using CohortFunctions.UnitTests.History;
using CohortFunctions.UnitTests.TestSupport;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace CohortFunctions.UnitTests.Postbacks;

/// <summary>
/// A <see cref="PostbackService"/> over mocked ports and the real authenticator, matcher and key resolver, with two
/// partners and three data import keys: one valid for Amplitude, one invalidated, one issued for Segment.
/// </summary>
internal sealed class PostbackServiceHarness : IDisposable
{
    public const string Partner = "amplitude";

    public const string ApiKey = "amplitude-partner-key-us";

    /// <summary>A second configured key of the same partner (the EU key, or one being rotated in).</summary>
    public const string SecondApiKey = "amplitude-partner-key-eu";

    public const string OtherPartner = "segment";

    public const string OtherPartnerApiKey = "segment-partner-key";

    public const string Secret = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

    public const string InvalidatedSecret = "0badc0de0badc0de0badc0de0badc0de0badc0de0badc0de0badc0de0badc0de";

    /// <summary>A valid key of this workspace, but generated for <see cref="OtherPartner"/>.</summary>
    public const string OtherPartnerSecret = "f00dfeed5eed1e55f00dfeed5eed1e55f00dfeed5eed1e55f00dfeed5eed1e55";

    public static readonly DateTimeOffset Now = new(2025, 3, 14, 23, 30, 0, TimeSpan.Zero);

    public static readonly DateOnly Today = new(2025, 3, 14);

    public static readonly CohortRef Cohort = new(Partner, PostbackBodies.DefaultCohortId);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions());

    private readonly TestMeterFactory _meters = new();

    public PostbackServiceHarness()
    {
        AddKey(Secret, Partner, invalidated: false);
        AddKey(InvalidatedSecret, Partner, invalidated: true);
        AddKey(OtherPartnerSecret, OtherPartner, invalidated: false);

        var partners = new PartnersOptions
        {
            [Partner] = new PartnerOptions { DisplayName = "Amplitude", ApiKeys = { ApiKey, SecondApiKey } },
            [OtherPartner] = new PartnerOptions { DisplayName = "Segment", ApiKeys = { OtherPartnerApiKey } },
        };
        Cohorts.Setup(c => c.TouchAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((WorkspaceId _, CohortRef cohort, DateTimeOffset at, CancellationToken _) => new Cohort(cohort, cohort.CohortId, false, at, at));
        var resolver = TestKeys.Resolver(Keys.Object, _cache, Time);
        var catalog = new PartnerCatalog(Options.Create(partners));
        var authenticator = new PartnerAuthenticator(catalog, resolver);
        Metrics = new CohortMetrics(_meters);
        Recorded = new RecordedMetrics(Metrics.Meter);
        Service = new PostbackService(
            authenticator,
            catalog,
            Cohorts.Object,
            new IdentifierMatcher(Index.Object),
            new MembershipWriter(Memberships.Object, Ledger.Object, Metrics),
            new PendingRecorder(Pending.Object, ResyncState.Object),
            History,
            Metrics,
            Time,
            NullLogger<PostbackService>.Instance);
    }

    public static WorkspaceId Workspace { get; } = ParseWorkspace("acme");

    public Mock<ICohortStore> Cohorts { get; } = new();

    public Mock<IMembershipStore> Memberships { get; } = new();

    public Mock<IDataPointLedger> Ledger { get; } = new();

    public Mock<IPendingStore> Pending { get; } = new();

    public Mock<IResyncStateStore> ResyncState { get; } = new();

    public Mock<IIdentifierIndex> Index { get; } = new();

    public Mock<IImportKeyStore> Keys { get; } = new();

    public FakeTimeProvider Time { get; } = new(Now);

    /// <summary>The sync history records the service gave.</summary>
    public RecordingHistory History { get; } = new();

    public PostbackService Service { get; }

    /// <summary>The service's instruments, on a meter of this harness.</summary>
    public CohortMetrics Metrics { get; }

    /// <summary>Everything the service recorded on <see cref="Metrics"/>.</summary>
    public RecordedMetrics Recorded { get; }

    /// <summary>Makes the identifier index name <paramref name="user"/> as the owner of <paramref name="identifier"/>.</summary>
    public void Owns(UserId user, Identifier identifier, bool matchable = true, DateTimeOffset? indexedAt = null) =>
        Index.Setup(i => i.FindAsync(Workspace, identifier, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new IdentifierOwner(user, matchable) { IndexedAt = indexedAt });

    /// <summary>The membership store reports every change as effective and commits no ledger entries.</summary>
    public void AppliesEveryChange() =>
        Memberships
            .Setup(m => m.ApplyAsync(
                It.IsAny<WorkspaceId>(),
                It.IsAny<CohortRef>(),
                It.IsAny<char>(),
                It.IsAny<IReadOnlyList<MembershipChange>>(),
                It.IsAny<ChangeOrigin>(),
                It.IsAny<CancellationToken>()))
            .ReturnsAsync((WorkspaceId _, CohortRef _, char _, IReadOnlyList<MembershipChange> changes, ChangeOrigin _, CancellationToken _) =>
                (new MembershipResult(changes.Count(c => c.Add), changes.Count(c => !c.Add), 0), (IReadOnlyList<DataPointEntry>)[]));

    /// <summary>Nothing touched cohorts, memberships, the ledger or the identifier index.</summary>
    public void VerifyNoCohortWork()
    {
        Cohorts.VerifyNoOtherCalls();
        Memberships.VerifyNoOtherCalls();
        Ledger.VerifyNoOtherCalls();
        Index.VerifyNoOtherCalls();
    }

    public void Dispose()
    {
        Recorded.Dispose();
        _meters.Dispose();
        _cache.Dispose();
    }

    public static WorkspaceId ParseWorkspace(string value) =>
        WorkspaceId.Parse(value).TryGetValue(out var id, out _) ? id : throw new ArgumentException("Not a workspace id.", nameof(value));

    private void AddKey(string secret, string partner, bool invalidated)
    {
        var key = new DataImportKey(
            KeyId: ImportKeySecrets.Hash(secret)[..16],
            Workspace: Workspace,
            Partner: partner,
            KeyHint: ImportKeySecrets.Hint(secret),
            CreatedAt: Now.AddDays(-10),
            InvalidatedAt: invalidated ? Now.AddDays(-1) : null,
            LastUsedAt: null);
        var hash = ImportKeySecrets.Hash(secret);
        Keys.Setup(k => k.FindByHashAsync(hash, It.IsAny<CancellationToken>())).ReturnsAsync(new StoredImportKey(key, hash));
    }
}
