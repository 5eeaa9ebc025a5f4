using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.Resync;
using CohortFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CohortFunctions.IntegrationTests.Resync;

/// <summary>
/// An app on a fake clock, for the resync tests: every service reads the time of <see cref="Clock"/>, which only
/// moves when a test moves it. Tests of one class run one after another and only move the clock forward, so each
/// measures time from its own postbacks. Tests call the timer functions themselves: the host's own scheduler keeps
/// real timers (see <see cref="FakeWallClock"/>), so its test schedule never fires during a run. The pending store
/// can be told to fail (<see cref="Faults"/>), to stop a pass half-way as a crash would.
/// </summary>
public class ResyncFixture : IAsyncLifetime
{
    private TestApp? _app;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2030, 12, 1, 9, 0, 0, TimeSpan.Zero));

    public PendingFaults Faults { get; } = new();

    public TestApp App => _app ?? throw new InvalidOperationException("The app has not started.");

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(builder =>
    {
        Configure(builder);
        builder.UseTime(new FakeWallClock(Clock)).ConfigureServices(services =>
        {
            services.AddSingleton<AzureTablePendingStore>();
            services.AddSingleton<IPendingStore>(sp => new FaultyPendingStore(sp.GetRequiredService<AzureTablePendingStore>(), Faults));
        });
    });

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Settings of the app; override for a class that needs others.</summary>
    protected virtual void Configure(TestAppBuilder builder)
    {
    }
}

/// <summary>
/// The time the app reads: the wall-clock time of the test's <see cref="FakeTimeProvider"/>, with timers and
/// timestamps from the system. The app's code only reads the time; the host's machinery (Kestrel, the timer
/// scheduler) keeps real timers, so moving the fake clock by days never fires the host's own timer schedule in the
/// background of a test, as a <see cref="FakeTimeProvider"/> given to the app directly would.
/// </summary>
internal sealed class FakeWallClock(FakeTimeProvider fake) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => fake.GetUtcNow();

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}

/// <summary>Small steps, so a pass over a few dozen identifiers takes several, and a short retention.</summary>
public sealed class SmallStepsResyncFixture : ResyncFixture
{
    public const int StepSize = 7;

    public const int RetentionDays = 3;

    protected override void Configure(TestAppBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Set("Resync:StepSize", StepSize.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Set("Resync:RetentionDays", RetentionDays.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>The shortest budgets the settings allow, and small steps, so passes stop at their budget.</summary>
public sealed class ShortBudgetResyncFixture : ResyncFixture
{
    protected override void Configure(TestAppBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Set("Resync:StepSize", "5")
            .Set("Resync:RequestBudgetSeconds", "1")
            .Set("Resync:RunBudgetSeconds", "5");
    }
}
