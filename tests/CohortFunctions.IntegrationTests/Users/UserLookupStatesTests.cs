using System.Text.Json;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.IntegrationTests.Resync;
using Microsoft.Extensions.Time.Testing;

namespace CohortFunctions.IntegrationTests.Users;

/// <summary>
/// "Why is this user not in the cohort?" through the users lookup on Azurite: per cohort of the workspace, a member
/// since when and added by a postback, a resync pass or a merge; waiting for a resync since the postback that sent it;
/// or neither.
/// </summary>
public sealed class UserLookupStatesTests(ResyncFixture fixture) : IClassFixture<ResyncFixture>
{
    private readonly TestApp _app = fixture.App;
    private readonly FakeTimeProvider _clock = fixture.Clock;

    [Fact]
    public async Task Lookup_UsersAddedEveryWay_SaysPerCohortHowTheyGotThereOrWhyNot()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync([new TestUser("early"), new TestUser(DeviceIds: ["dev-1"])]);
        var sentAt = _clock.GetUtcNow();
        await api.SendChangesAsync("by-postback", TestChange.Add("early"));
        await api.SendChangesAsync("by-resync", TestChange.Add("late"));
        await api.SendChangesAsync("waiting", TestChange.Add("late"));
        await api.SendChangesAsync("anonymous", new TestChange(DeviceIds: ["dev-1"]));
        await api.SendChangesAsync("never", TestChange.Add("someone-else"));
        _clock.Advance(TimeSpan.FromMinutes(5));
        await api.CreateUsersAsync("late");
        var resyncedAt = _clock.GetUtcNow();
        await api.ResyncAsync("by-resync");
        _clock.Advance(TimeSpan.FromMinutes(5));
        var mergedAt = _clock.GetUtcNow();
        await api.IdentifyAsync(new[] { new { external_id = "early", device_id = "dev-1" } });

        // Act
        var late = States(await api.LookupAsync("external_id=late"));
        var early = States(await api.LookupAsync("external_id=early"));

        // Assert
        Assert.Equal(["anonymous", "by-postback", "by-resync", "never", "waiting"], late.Keys);
        Assert.Equal(("member", resyncedAt, "resync", null), late["by-resync"]);
        Assert.Equal(("pending", null, null, ("external_id", "add", sentAt)), late["waiting"]);
        Assert.Equal(("not_member", null, null, null), late["by-postback"]);
        Assert.Equal(("not_member", null, null, null), late["never"]);
        Assert.Equal(("member", sentAt, "postback", null), early["by-postback"]);
        Assert.Equal(("member", mergedAt, "merge", null), early["anonymous"]);
        Assert.Equal(("not_member", null, null, null), early["waiting"]);
    }

    [Fact]
    public async Task Lookup_EveryCohortOfTheWorkspace_ListedWithItsDisplayNameBesideTheMemberships()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("u1");
        await api.NameCohortAsync("c1", "Power users");
        await api.SendChangesAsync("c1", TestChange.Add("u1"));
        await api.SendChangesAsync("c2", TestChange.Add("u2"));

        // Act
        var user = (await api.LookupAsync("external_id=u1"))!.Value;

        // Assert
        var states = user.GetProperty("cohort_states").EnumerateArray().ToList();
        Assert.Equal(["[Amplitude] Power users: c1", "[Amplitude] c2: c2"], states.Select(s => s.GetRequiredString("display_name")));
        Assert.All(states, s => Assert.Equal(["added_by", "cohort_id", "display_name", "member_since", "partner", "pending", "state"], s.PropertyNames()));
        Assert.Equal(["c1"], user.GetProperty("cohorts").EnumerateArray().Select(c => c.GetRequiredString("cohort_id")));
    }

    private static SortedDictionary<string, (string State, DateTimeOffset? Since, string? AddedBy, (string Identifier, string Change, DateTimeOffset Since)? Pending)> States(JsonElement? user)
    {
        Assert.NotNull(user);
        var states = new SortedDictionary<string, (string, DateTimeOffset?, string?, (string, string, DateTimeOffset)?)>(StringComparer.Ordinal);
        foreach (var state in user.Value.GetProperty("cohort_states").EnumerateArray())
        {
            var pending = state.GetProperty("pending");
            states[state.GetRequiredString("cohort_id")] = (
                state.GetRequiredString("state"),
                state.GetProperty("member_since").ValueKind == JsonValueKind.Null ? null : state.GetProperty("member_since").GetDateTimeOffset(),
                state.GetProperty("added_by").GetString(),
                pending.ValueKind == JsonValueKind.Null ? null : (pending.GetRequiredString("identifier"), pending.GetRequiredString("change"), pending.GetProperty("since").GetDateTimeOffset()));
        }

        return states;
    }
}
