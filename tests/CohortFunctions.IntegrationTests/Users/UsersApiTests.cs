using System.Net;
using System.Text;
using System.Text.Json;
using CohortFunctions.Identifiers;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.Matching;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.IntegrationTests.Users;

/// <summary>The users API over HTTP on real storage: create/update, conflicts, identifiers, lookup, identify, merge, delete.</summary>
public sealed class UsersApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task Upsert_IdentifiedAndAnonymousUsers_CreatedAndFoundByLookup()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);

        // Act
        var (status, body) = await UpsertAsync(api.Workspace, new TestUser("ada", ["ada-phone"], [new TestAlias("amp-ada", "amplitude_id")]), new TestUser(DeviceIds: ["anon-1"]));

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["created", "errors", "updated"], body.PropertyNames());
        Assert.Equal((2, 0, 0), Counts(body));
        var ada = (await api.LookupAsync("external_id=ada"))!.Value;
        Assert.Equal(["aliases", "anonymous", "cohort_states", "cohorts", "device_ids", "external_id", "user_id", "was_anonymous"], ada.PropertyNames());
        Assert.Matches("^[0-9a-f]{20}$", ada.GetRequiredString("user_id"));
        Assert.False(ada.GetProperty("anonymous").GetBoolean());
        Assert.False(ada.GetProperty("was_anonymous").GetBoolean());
        Assert.Equal(["ada-phone"], Strings(ada.GetProperty("device_ids")));
        Assert.Equal("[{\"alias_name\":\"amp-ada\",\"alias_label\":\"amplitude_id\"}]", ada.GetProperty("aliases").GetRawText());
        Assert.Equal(0, ada.GetProperty("cohorts").GetArrayLength());
        var anonymous = (await api.LookupAsync("device_id=anon-1"))!.Value;
        Assert.True(anonymous.GetProperty("anonymous").GetBoolean());
        Assert.Equal(JsonValueKind.Null, anonymous.GetProperty("external_id").ValueKind);
        Assert.Equal(new IdentifierOwner(UserId.Parse(anonymous.GetRequiredString("user_id")), true), await FindAsync(api, Identifier.Device("anon-1")));
        Assert.Equal(new IdentifierOwner(UserId.Parse(ada.GetRequiredString("user_id")), false), await FindAsync(api, Identifier.Device("ada-phone")));
    }

    [Fact]
    public async Task Upsert_KnownExternalId_UpdatesThatUser()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync([new TestUser("ada", ["d1"])]);
        var before = (await api.LookupAsync("external_id=ada"))!.Value.GetRequiredString("user_id");

        // Act
        var (_, body) = await UpsertAsync(api.Workspace, new TestUser("ada", ["d2"], [new TestAlias("a@example.com", "email")]));

        // Assert
        Assert.Equal((0, 1, 0), Counts(body));
        var ada = (await api.LookupAsync("alias_name=a%40example.com&alias_label=email"))!.Value;
        Assert.Equal(before, ada.GetRequiredString("user_id"));
        Assert.Equal(["d1", "d2"], Strings(ada.GetProperty("device_ids")));
    }

    [Fact]
    public async Task Upsert_TakenIdentifiers_ReportedPerEntryWhileOthersApply()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync([new TestUser("ada", Aliases: [new TestAlias("a@example.com", "email")]), new TestUser(DeviceIds: ["anon-dev"])]);

        // Act
        var (status, body) = await UpsertAsync(
            api.Workspace,
            new TestUser("bob", Aliases: [new TestAlias("a@example.com", "email")]),
            new TestUser("cy", ["anon-dev"]),
            new TestUser(DeviceIds: ["anon-dev"], Aliases: [new TestAlias("a@example.com", "email")]),
            new TestUser("dee"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((1, 0, 3), Counts(body));
        Assert.Equal(
            [(0, "aliases[0] belongs to another user."), (1, "device_ids[0] belongs to another anonymous user."), (2, "aliases[0] and device_ids[0] belong to different users.")],
            Errors(body));
        Assert.Null(await api.LookupAsync("external_id=bob"));
        Assert.Null(await api.LookupAsync("external_id=cy"));
        Assert.NotNull(await api.LookupAsync("external_id=dee"));
        Assert.Equal("ada", (await api.LookupAsync("alias_name=a%40example.com&alias_label=email"))!.Value.GetRequiredString("external_id"));
        Assert.True((await api.LookupAsync("device_id=anon-dev"))!.Value.GetProperty("anonymous").GetBoolean());
    }

    [Fact]
    public async Task Upsert_ConcurrentCreatesOfOneExternalId_EndInOneUser()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);

        // Act
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => UpsertAsync(api.Workspace, new TestUser("same", [$"dev-{i}"]))));

        // Assert
        Assert.All(results, r => Assert.Empty(Errors(r.Body)));
        Assert.Equal(1, results.Sum(r => Counts(r.Body).Created));
        Assert.Equal(7, results.Sum(r => Counts(r.Body).Updated));
        var user = (await api.LookupAsync("external_id=same"))!.Value;
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"dev-{i}").Order(StringComparer.Ordinal), Strings(user.GetProperty("device_ids")).Order(StringComparer.Ordinal));
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(user.GetRequiredString("user_id"), (await api.LookupAsync($"device_id=dev-{i}"))!.Value.GetRequiredString("user_id"));
        }
    }

    [Fact]
    public async Task Upsert_AnonymousUserWithDeviceOfIdentifiedUser_TakesItOver()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync([new TestUser("ada", ["shared-tablet", "ada-phone"])]);

        // Act
        var (_, body) = await UpsertAsync(api.Workspace, new TestUser(DeviceIds: ["shared-tablet"]));

        // Assert
        Assert.Equal((1, 0, 0), Counts(body));
        Assert.True((await api.LookupAsync("device_id=shared-tablet"))!.Value.GetProperty("anonymous").GetBoolean());
        Assert.Equal(["ada-phone"], Strings((await api.LookupAsync("external_id=ada"))!.Value.GetProperty("device_ids")));
        Assert.True((await FindAsync(api, Identifier.Device("shared-tablet")))!.Matchable);
    }

    [Fact]
    public async Task Upsert_AwkwardIdentifiers_RoundTripExactlyThroughLookup()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        string[] values = ["a/b\\c#d?e%f", "  spaced  \"quoted\" 'single' ", "emoji 🧪🚀 ünïcödé", "%2F literally + plus & amp = eq", "~41|pipe", new string('x', 1024), new string('é', 1024), string.Concat(Enumerable.Repeat("😀", 512))];
        var users = values.Select((v, i) => new TestUser(v, [v], [new TestAlias(v, "label " + v[..Math.Min(v.Length, 20)])])).ToArray();

        // Act
        var (_, body) = await UpsertAsync(api.Workspace, users);

        // Assert
        Assert.Equal((values.Length, 0, 0), Counts(body));
        foreach (var (value, user) in values.Zip(users))
        {
            var label = user.Aliases![0].AliasLabel;
            var byExternalId = (await api.LookupAsync("external_id=" + Uri.EscapeDataString(value)))!.Value;
            var byDevice = (await api.LookupAsync("device_id=" + Uri.EscapeDataString(value)))!.Value;
            var byAlias = (await api.LookupAsync($"alias_name={Uri.EscapeDataString(value)}&alias_label={Uri.EscapeDataString(label)}"))!.Value;
            Assert.Equal(value, byExternalId.GetRequiredString("external_id"));
            Assert.Equal([value], Strings(byExternalId.GetProperty("device_ids")));
            var alias = Assert.Single(byExternalId.GetProperty("aliases").EnumerateArray());
            Assert.Equal((value, label), (alias.GetRequiredString("alias_name"), alias.GetRequiredString("alias_label")));
            Assert.Equal(byExternalId.GetRequiredString("user_id"), byDevice.GetRequiredString("user_id"));
            Assert.Equal(byExternalId.GetRequiredString("user_id"), byAlias.GetRequiredString("user_id"));
        }
    }

    [Theory]
    [InlineData("{\"external_id\": \"ok\\u0007bell\"}", "external_id must be 1-1,024 characters without control characters.")]
    [InlineData("{\"device_ids\": [\"line\\nbreak\"]}", "device_ids[0] must be 1-1,024 characters without control characters.")]
    [InlineData("{\"aliases\": [{\"alias_name\": \"\\ud83d\", \"alias_label\": \"l\"}]}", "aliases[0].alias_name must be 1-1,024 characters without control characters.")]
    public async Task Upsert_ControlCharacterOrLoneSurrogate_RejectedForThatEntry(string user, string expected)
    {
        // Arrange
        var workspace = TestIds.Workspace();

        // Act
        var (status, body) = await UpsertRawAsync(workspace, $"{{\"users\": [{user}, {{\"external_id\": \"fine\"}}]}}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([(0, expected)], Errors(body));
        Assert.Equal(1, Counts(body).Created);
    }

    [Fact]
    public async Task Upsert_1025CharacterId_RejectedAnd1024Accepted()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);

        // Act
        var (_, body) = await UpsertAsync(api.Workspace, new TestUser(new string('y', 1025)), new TestUser(DeviceIds: [new string('y', 1024)]));

        // Assert
        Assert.Equal([(0, "external_id must be 1-1,024 characters without control characters.")], Errors(body));
        Assert.Equal(1, Counts(body).Created);
        Assert.NotNull(await api.LookupAsync("device_id=" + new string('y', 1024)));
    }

    [Fact]
    public async Task Upsert_1000Users_AllCreatedInOneRequest()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        var users = Enumerable.Range(0, 1000).Select(i => new TestUser($"bulk-{i}", [$"bulk-dev-{i}"])).ToArray();

        // Act
        var (status, body) = await UpsertAsync(api.Workspace, users);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((1000, 0, 0), Counts(body));
        Assert.Equal("bulk-999", (await api.LookupAsync("device_id=bulk-dev-999"))!.Value.GetRequiredString("external_id"));
    }

    [Fact]
    public async Task Upsert_1001Users_Returns400()
    {
        // Act
        var (status, body) = await UpsertAsync(TestIds.Workspace(), [.. Enumerable.Range(0, 1001).Select(i => new TestUser($"u{i}"))]);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("users: at most 1,000 users per request.", body.GetRequiredString("message"));
    }

    [Theory]
    [InlineData("[]", "Request body must be a JSON object.")]
    [InlineData("not json", "Request body must be a JSON object.")]
    [InlineData("{\"users\": {}}", "users must be an array.")]
    [InlineData("{}", "users must be an array.")]
    public async Task Upsert_NotAnObjectOrUsersNotAnArray_Returns400WithMessage(string json, string expected)
    {
        // Act
        var (status, body) = await UpsertRawAsync(TestIds.Workspace(), json);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["message"], body.PropertyNames());
        Assert.Equal(expected, body.GetRequiredString("message"));
    }

    [Fact]
    public async Task UsersEndpoints_InvalidWorkspace_Return400WithRule()
    {
        // Arrange
        const string workspace = "Not_A_Workspace";

        // Act
        var (upsert, upsertBody) = await UpsertRawAsync(workspace, "{\"users\": []}");
        using var lookup = await _app.Client.GetAsync(new Uri($"manage/workspaces/{workspace}/users/lookup?external_id=x", UriKind.Relative));
        using var delete = await _app.Client.DeleteAsync(new Uri($"manage/workspaces/{workspace}/users/0123456789abcdef0123", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, upsert);
        Assert.Contains(WorkspaceId.Rule, upsertBody.GetRequiredString("message"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, lookup.StatusCode);
        Assert.Contains(WorkspaceId.Rule, await lookup.ReadErrorMessageAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, delete.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("external_id=a&device_id=b")]
    [InlineData("alias_name=a")]
    [InlineData("external_id=a&external_id=b")]
    [InlineData("external_id=")]
    public async Task Lookup_NotExactlyOneIdentifier_Returns400(string query)
    {
        // Act
        using var response = await _app.Client.GetAsync(new Uri($"manage/workspaces/{TestIds.Workspace()}/users/lookup?{query}", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await response.ReadErrorMessageAsync();
    }

    [Fact]
    public async Task Lookup_UnknownIdentifier_Returns404()
    {
        // Act
        using var response = await _app.Client.GetAsync(new Uri($"manage/workspaces/{TestIds.Workspace()}/users/lookup?device_id=nobody", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await response.ReadErrorMessageAsync();
    }

    [Fact]
    public async Task Identify_NewExternalId_IdentifiesInPlaceAndDeviceStopsMatching()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync([new TestUser(DeviceIds: ["dev-1", "dev-2"])]);
        await api.SendChangesAsync("c", new TestChange(DeviceIds: ["dev-1"]));
        var userId = (await api.LookupAsync("device_id=dev-1"))!.Value.GetRequiredString("user_id");

        // Act
        var body = await api.IdentifyAsync(new[] { new { external_id = "ada", device_id = "dev-1" } });

        // Assert
        Assert.Equal(["errors", "identified", "merged"], body.PropertyNames());
        Assert.Equal((1, 0), (body.GetProperty("identified").GetInt32(), body.GetProperty("merged").GetInt32()));
        var user = (await api.LookupAsync("device_id=dev-2"))!.Value;
        Assert.Equal(userId, user.GetRequiredString("user_id"));
        Assert.Equal("ada", user.GetRequiredString("external_id"));
        Assert.False(user.GetProperty("anonymous").GetBoolean());
        Assert.True(user.GetProperty("was_anonymous").GetBoolean());
        Assert.Equal("[{\"partner\":\"amplitude\",\"cohort_id\":\"c\"}]", user.GetProperty("cohorts").GetRawText());
        Assert.Equal(new IdentifierOwner(UserId.Parse(userId), false), await FindAsync(api, Identifier.Device("dev-1")));
        Assert.Equal(new IdentifierOwner(UserId.Parse(userId), false), await FindAsync(api, Identifier.Device("dev-2")));
        Assert.Equal(new IdentifierOwner(UserId.Parse(userId), true), await FindAsync(api, Identifier.External("ada")));
    }

    [Fact]
    public async Task Identify_ExistingExternalId_MergesAliasesAndMembershipsIntoIt()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync(
        [
            new TestUser("ada", Aliases: [new TestAlias("ada-amp", "amplitude_id")]),
            new TestUser(DeviceIds: ["dev-9"], Aliases: [new TestAlias("anon-amp", "amplitude_id"), new TestAlias("anon-mp", "mixpanel_id")]),
        ]);
        await api.SendChangesAsync("anon-only", new TestChange(DeviceIds: ["dev-9"]));
        await api.SendChangesAsync("both", TestChange.Add("ada"), new TestChange(DeviceIds: ["dev-9"]));
        var ada = (await api.LookupAsync("external_id=ada"))!.Value.GetRequiredString("user_id");
        var anonymous = (await api.LookupAsync("device_id=dev-9"))!.Value.GetRequiredString("user_id");

        // Act
        var body = await api.IdentifyAsync(new[] { new { external_id = "ada", user_alias = new { alias_name = "anon-mp", alias_label = "mixpanel_id" } } });

        // Assert
        Assert.Equal((0, 1), (body.GetProperty("identified").GetInt32(), body.GetProperty("merged").GetInt32()));
        var merged = (await api.LookupAsync("alias_name=anon-mp&alias_label=mixpanel_id"))!.Value;
        Assert.Equal(ada, merged.GetRequiredString("user_id"));
        Assert.Equal(
            "[{\"alias_name\":\"ada-amp\",\"alias_label\":\"amplitude_id\"},{\"alias_name\":\"anon-mp\",\"alias_label\":\"mixpanel_id\"}]",
            merged.GetProperty("aliases").GetRawText());
        Assert.Equal(["dev-9"], Strings(merged.GetProperty("device_ids")));
        Assert.Equal(
            "[{\"partner\":\"amplitude\",\"cohort_id\":\"anon-only\"},{\"partner\":\"amplitude\",\"cohort_id\":\"both\"}]",
            merged.GetProperty("cohorts").GetRawText());
        Assert.Null(await api.LookupAsync("alias_name=anon-amp&alias_label=amplitude_id"));
        Assert.Null(await FindAsync(api, Identifier.Alias(new UserAlias("anon-amp", "amplitude_id"))));
        Assert.Equal(ada, (await api.LookupAsync("device_id=dev-9"))!.Value.GetRequiredString("user_id"));
        Assert.Equal(new IdentifierOwner(UserId.Parse(ada), false), await FindAsync(api, Identifier.Device("dev-9")));
        Assert.Equal(1, await api.MemberCountAsync("anon-only"));
        Assert.Equal(1, await api.MemberCountAsync("both"));
        Assert.DoesNotContain(anonymous, (await api.MembersAsync("both")).Select(m => m.UserId));
        using var deleteMerged = await _app.Client.DeleteAsync(new Uri($"manage/workspaces/{api.Workspace}/users/{anonymous}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, deleteMerged.StatusCode);
    }

    [Fact]
    public async Task Identify_RepeatedAndInvalidEntries_ReportedPerEntry()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync([new TestUser(DeviceIds: ["dev-1"]), new TestUser("bob", ["bob-dev"])]);
        await api.IdentifyAsync(new[] { new { external_id = "ada", device_id = "dev-1" } });

        // Act
        var body = await api.IdentifyAsync(new object[]
        {
            new { external_id = "ada", device_id = "dev-1" },
            new { external_id = "ada", device_id = "nobody" },
            new { external_id = "carl", device_id = "bob-dev" },
            new { external_id = "ada" },
        });

        // Assert
        Assert.Equal(1, body.GetProperty("identified").GetInt32());
        Assert.Equal(
            [(1, "no user has this device_id."), (2, "the user is already identified by another external_id."), (3, "give exactly one of device_id and user_alias.")],
            Errors(body));
    }

    [Fact]
    public async Task Delete_User_RemovesIdentifiersMembershipsAndProfile()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync([new TestUser("ada", ["ada-dev"], [new TestAlias("ada-amp", "amplitude_id")]), new TestUser("bob")]);
        await api.SendChangesAsync("c", TestChange.Add("ada", "bob"));
        var ada = (await api.LookupAsync("external_id=ada"))!.Value.GetRequiredString("user_id");

        // Act
        using var response = await _app.Client.DeleteAsync(new Uri($"manage/workspaces/{api.Workspace}/users/{ada}", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Null(await api.LookupAsync("external_id=ada"));
        Assert.Null(await api.LookupAsync("device_id=ada-dev"));
        Assert.Null(await api.LookupAsync("alias_name=ada-amp&alias_label=amplitude_id"));
        Assert.Null(await FindAsync(api, Identifier.External("ada")));
        Assert.Null(await FindAsync(api, Identifier.Device("ada-dev")));
        Assert.Null(await FindAsync(api, Identifier.Alias(new UserAlias("ada-amp", "amplitude_id"))));
        Assert.Equal(["bob"], await api.MemberExternalIdsAsync("c"));
        Assert.Equal(1, await api.MemberCountAsync("c"));
        using var again = await _app.Client.DeleteAsync(new Uri($"manage/workspaces/{api.Workspace}/users/{ada}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        await again.ReadErrorMessageAsync();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> UpsertAsync(string workspace, params TestUser[] users) =>
        await UpsertRawAsync(workspace, JsonSerializer.Serialize(new { users = users.Select(UserJson) }));

    private async Task<(HttpStatusCode Status, JsonElement Body)> UpsertRawAsync(string workspace, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _app.Client.PostAsync(new Uri($"manage/workspaces/{workspace}/users", UriKind.Relative), content);
        return (response.StatusCode, await response.ReadJsonAsync());
    }

    /// <summary>The owner the index names (every row the app writes is dated; the date itself is left out to compare).</summary>
    private async Task<IdentifierOwner?> FindAsync(CohortApi api, Identifier identifier)
    {
        var owner = await _app.GetRequiredService<IIdentifierIndex>().FindAsync(
            WorkspaceId.Parse(api.Workspace).TryGetValue(out var ws, out _) ? ws : throw new InvalidOperationException(), identifier, CancellationToken.None);
        Assert.True(owner is null || owner.IndexedAt is not null, $"The index row of {identifier} carries no IndexedAt.");
        return owner is null ? null : owner with { IndexedAt = null };
    }

    private static Dictionary<string, object?> UserJson(TestUser user) => new()
    {
        ["external_id"] = user.ExternalId,
        ["device_ids"] = user.DeviceIds,
        ["aliases"] = user.Aliases?.Select(a => new Dictionary<string, string> { ["alias_name"] = a.AliasName, ["alias_label"] = a.AliasLabel }),
    };

    private static (int Created, int Updated, int Errors) Counts(JsonElement body) =>
        (body.GetProperty("created").GetInt32(), body.GetProperty("updated").GetInt32(), body.GetProperty("errors").GetArrayLength());

    private static List<(int Index, string Message)> Errors(JsonElement body) =>
        [.. body.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("index").GetInt32(), e.GetRequiredString("message")))];

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
