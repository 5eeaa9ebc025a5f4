using System.Text.Json.Nodes;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Segments;

/// <summary>
/// One app with one workspace of 310 users (300 identified, 10 anonymous ones known by an alias) and five
/// overlapping cohorts of two partners, built once for a test class whose tests only read it (and add segments).
/// The same memberships are kept in memory, so every filter can be checked against plain set arithmetic.
/// </summary>
public sealed class SegmentWorldFixture : IAsyncLifetime
{
    private readonly AppFixture _app = new();

    public SegmentWorld World { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _app.InitializeAsync();
        World = await SegmentWorld.BuildAsync(_app.App);
    }

    public Task DisposeAsync() => _app.DisposeAsync();
}

public sealed class SegmentWorld
{
    public const string Power = "power";
    public const string Churn = "churn";
    public const string Trial = "trial";
    public const string Tiny = "tiny";

    /// <summary>The Mixpanel cohort.</summary>
    public const string Whales = "whales";

    private readonly Dictionary<(string Partner, string Cohort), HashSet<string>> _members = [];

    private SegmentWorld(CohortApi amplitude, CohortApi mixpanel)
    {
        Amplitude = amplitude;
        Mixpanel = mixpanel;
        Segments = new SegmentApi(amplitude);
    }

    public CohortApi Amplitude { get; }

    public CohortApi Mixpanel { get; }

    public SegmentApi Segments { get; }

    /// <summary>Every user, by the key tests compare with (<see cref="KeyOf"/>).</summary>
    public IReadOnlySet<string> Universe { get; private set; } = new HashSet<string>();

    public static async Task<SegmentWorld> BuildAsync(TestApp app)
    {
        var amplitude = await CohortApi.StartAsync(app, "amplitude");
        var mixpanel = await CohortApi.StartAsync(app, "mixpanel", amplitude.Workspace);
        var world = new SegmentWorld(amplitude, mixpanel);
        await world.PopulateAsync();
        return world;
    }

    /// <summary>How an exported user is compared: its external id, or for an anonymous user its alias name.</summary>
    public static string KeyOf(ExportedUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.ExternalId ?? user.Aliases.Single(a => a.AliasLabel == "anon").AliasName;
    }

    public IReadOnlySet<string> Members(string cohort, string partner = "amplitude") => _members[(partner, cohort)];

    /// <summary>What a filter selects, computed over the in-memory sets.</summary>
    public HashSet<string> Expected(JsonNode filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var (op, value) = filter.AsObject().Single();
        return op switch
        {
            "includes" => [.. Members(value!["cohort_id"]!.GetValue<string>(), value["partner"]!.GetValue<string>())],
            "excludes" => [.. Universe.Except(Members(value!["cohort_id"]!.GetValue<string>(), value["partner"]!.GetValue<string>()))],
            "and" => value!.AsArray().Select(f => Expected(f!)).Aggregate((x, y) => [.. x.Intersect(y)]),
            "or" => value!.AsArray().Select(f => Expected(f!)).Aggregate((x, y) => [.. x.Union(y)]),
            _ => throw new ArgumentOutOfRangeException(nameof(filter), op, "Unknown operator."),
        };
    }

    private async Task PopulateAsync()
    {
        var identified = Enumerable.Range(0, 300).Select(i => $"u{i:D3}").ToList();
        var anonymous = Enumerable.Range(0, 10).Select(i => $"anon-{i:D2}").ToList();
        await Amplitude.CreateUsersAsync([
            .. identified.Select(id => new TestUser(id, Aliases: id.EndsWith('0') ? [new TestAlias(id + "@example.com", "email")] : null)),
            .. anonymous.Select(name => new TestUser(DeviceIds: ["device-" + name], Aliases: [new TestAlias(name, "anon")])),
        ]);
        Universe = identified.Concat(anonymous).ToHashSet();

        var random = new Random(2024);
        await FillAsync(Amplitude, Power, "Power users", random, 0.45);
        await FillAsync(Amplitude, Churn, "Churn risk", random, 0.3);
        await FillAsync(Amplitude, Trial, "Trial", random, 0.2);
        await FillAsync(Mixpanel, Whales, "Whales", random, 0.15);
        await FillAsync(Amplitude, Tiny, "Tiny", random, 0.02);
    }

    /// <summary>Adds a random part of every user, then removes a tenth of those again, as a sender's later sync would.</summary>
    private async Task FillAsync(CohortApi api, string cohort, string name, Random random, double density)
    {
        await api.NameCohortAsync(cohort, name);
        var chosen = Universe.Order(StringComparer.Ordinal).Where(_ => random.NextDouble() < density).ToList();
        var removed = chosen.Where(_ => random.NextDouble() < 0.1).ToList();
        var added = await api.SendChangesAsync(cohort, Changes(chosen, remove: false));
        Assert.Equal(chosen.Count, added.Added);
        if (removed.Count > 0)
        {
            var counts = await api.SendChangesAsync(cohort, Changes(removed, remove: true));
            Assert.Equal(removed.Count, counts.Removed);
        }

        _members[(api.Partner, cohort)] = [.. chosen.Except(removed)];
    }

    /// <summary>Identified users by external id, anonymous ones by their alias.</summary>
    private static TestChange[] Changes(IReadOnlyList<string> keys, bool remove) =>
    [
        new TestChange(UserIds: [.. keys.Where(k => !k.StartsWith("anon-", StringComparison.Ordinal))], ShouldRemove: remove),
        new TestChange(Aliases: [.. keys.Where(k => k.StartsWith("anon-", StringComparison.Ordinal)).Select(k => new TestAlias(k, "anon"))], ShouldRemove: remove),
    ];
}
