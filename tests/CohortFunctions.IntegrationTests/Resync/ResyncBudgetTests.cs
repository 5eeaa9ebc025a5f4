using CohortFunctions.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace CohortFunctions.IntegrationTests.Resync;

/// <summary>
/// Passes bounded by their budget (1 s per request, 5 s per timer run, 5 identifiers a step) and resumed where they
/// stopped. The fake clock moves a little on every read of the time while a pass runs, so the budget runs out after
/// a step or two: deterministic, without waiting.
/// </summary>
public sealed class ResyncBudgetTests(ShortBudgetResyncFixture fixture) : IClassFixture<ShortBudgetResyncFixture>
{
    private readonly TestApp _app = fixture.App;
    private readonly FakeTimeProvider _clock = fixture.Clock;

    [Fact]
    public async Task ManualResync_MoreThanTheBudgetAllows_AnswersIncompleteAndTheNextRequestsFinish()
    {
        // Arrange
        var (api, ids) = await PendingAsync(count: 40, existing: 30);
        var answers = new List<ResyncCounts>();

        // Act
        _clock.AutoAdvanceAmount = TimeSpan.FromMilliseconds(250);
        try
        {
            do
            {
                Assert.True(answers.Count < 100, "the pass never completes");
                answers.Add(await api.ResyncAsync("c"));
            }
            while (!answers[^1].Complete);
        }
        finally
        {
            _clock.AutoAdvanceAmount = TimeSpan.Zero;
        }

        // Assert: every identifier was retried once over the resumed pass, the matched ones applied once.
        Assert.True(answers.Count > 1, "the budget should have stopped the first request");
        Assert.All(answers[..^1], a => Assert.False(a.Complete));
        Assert.Equal(40, answers.Sum(a => a.Retried));
        Assert.Equal(30, answers.Sum(a => a.Applied));
        Assert.Equal(10, answers.Sum(a => a.StillPending));
        Assert.Equal(ids[..30], await api.MemberExternalIdsAsync("c"));
        Assert.Equal(30, await api.MemberCountAsync("c"));
        Assert.Equal(30, await api.DataPointsTotalAsync());
    }

    [Fact]
    public async Task ResyncTimer_PassStoppedAtItsBudget_ResumedByTheNextRunsWithoutWaitingForTheCadence()
    {
        // Arrange
        var (api, ids) = await PendingAsync(count: 40, existing: 30);
        _clock.Advance(TimeSpan.FromMinutes(61));
        var started = _clock.GetUtcNow();
        var runs = 0;
        long afterFirstRun;

        // Act
        _clock.AutoAdvanceAmount = TimeSpan.FromSeconds(1);
        try
        {
            await _app.RunResyncTimerAsync();
            runs++;
            afterFirstRun = await MemberCountAsync(api);
            while (await MemberCountAsync(api) < 30)
            {
                Assert.True(runs < 100, "the pass never completes");
                await _app.RunResyncTimerAsync();
                runs++;
            }
        }
        finally
        {
            _clock.AutoAdvanceAmount = TimeSpan.Zero;
        }

        // Assert: resumed well within the hour the cadence would otherwise wait.
        Assert.InRange(afterFirstRun, 1, 29);
        Assert.True(runs > 1);
        Assert.True(_clock.GetUtcNow() - started < TimeSpan.FromMinutes(30), $"took {_clock.GetUtcNow() - started} of fake time");
        Assert.Equal(ids[..30], await api.MemberExternalIdsAsync("c"));
        Assert.Equal(30, await api.DataPointsTotalAsync());
    }

    /// <summary>The member count, read without moving the clock.</summary>
    private async Task<long> MemberCountAsync(CohortApi api)
    {
        var step = _clock.AutoAdvanceAmount;
        _clock.AutoAdvanceAmount = TimeSpan.Zero;
        try
        {
            return await api.MemberCountAsync("c");
        }
        finally
        {
            _clock.AutoAdvanceAmount = step;
        }
    }

    private async Task<(CohortApi Api, string[] Ids)> PendingAsync(int count, int existing)
    {
        var api = await CohortApi.StartAsync(_app);
        var ids = Enumerable.Range(0, count).Select(i => $"b{i:D3}").ToArray();
        await api.SendChangesAsync("c", TestChange.Add(ids));
        await api.CreateUsersAsync(ids[..existing]);
        return (api, ids);
    }
}
