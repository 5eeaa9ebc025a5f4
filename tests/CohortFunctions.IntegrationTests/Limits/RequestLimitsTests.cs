using System.Net;
using System.Text;
using System.Text.Json;
using CohortFunctions.IntegrationTests.Fuzz;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Limits;

/// <summary>
/// Every documented limit, end to end over HTTP, on both sides of its edge: the body size (4 MiB, 413), JSON nesting
/// (32 levels), id length (1,024), ids per postback (1,000), users per upsert (1,000) and per identify (50), the
/// per-user identifier caps, segment filters (8 levels, 50 conditions), page sizes and report ranges. Each refusal is
/// a 4xx with the app's <c>{"message"}</c> and changes nothing.
/// </summary>
public sealed class RequestLimitsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const int FourMiB = 4 * 1024 * 1024;
    private const string ChangesMessage =
        "`cohort_changes` must be an array of objects each with key `user_ids` and/or `device_ids` mapping to an array of strings, or an `aliases` object";

    private readonly TestApp _app = fixture.App;

    public static TheoryData<string, string> BodyEndpoints() => new()
    {
        { "POST", "partners/amplitude/cohorts" },
        { "POST", "partners/amplitude/cohorts/users" },
        { "POST", "manage/workspaces/{ws}/users" },
        { "POST", "manage/workspaces/{ws}/users/identify" },
        { "POST", "manage/workspaces/{ws}/segments" },
        { "PUT", "manage/workspaces/{ws}/segments/0123456789abcdef" },
        { "PUT", "manage/workspaces/{ws}/cohorts/amplitude/c1/schedule" },
    };

    [Theory]
    [MemberData(nameof(BodyEndpoints))]
    public async Task AnyBodyEndpoint_BodyOneByteOver4MiB_Returns413Json(string method, string path)
    {
        // Act
        using var response = await SendAsync(method, path, PaddedObject("{}", FourMiB + 1), chunked: false);

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("Request body is larger than 4 MiB.", await response.ReadErrorMessageAsync());
        Assert.Empty(ResponseSafety.HeaderProblems(response));
    }

    // Bodies far past the limit: HostContract/LimitsContract, on both hosts.
    [Theory]
    [InlineData(FourMiB + 1)]
    [InlineData(FourMiB + (64 * 1024))]
    public async Task Postback_ChunkedBodyOver4MiB_Returns413JsonBeforeTheServerLimit(int size)
    {
        // Act: the servers' own limit is 100 MB; the app answers first, as JSON, whatever the sender announces.
        using var response = await SendAsync("POST", "partners/amplitude/cohorts/users", PaddedObject("{}", size), chunked: true);

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("Request body is larger than 4 MiB.", await response.ReadErrorMessageAsync());
    }

    [Fact]
    public async Task Postback_BodyOfExactly4MiB_IsApplied()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada");
        var body = JsonSerializer.Serialize(api.ChangesBody("big-body", TestChange.Add("ada")), TestJson.Options);

        // Act
        using var response = await SendAsync("POST", "partners/amplitude/cohorts/users", PaddedObject(body, FourMiB), chunked: false);

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.Created);
        Assert.Equal(1, await api.MemberCountAsync("big-body"));
    }

    [Fact]
    public async Task Upsert_BodyOfExactly4MiB_IsApplied()
    {
        // Arrange
        var workspace = TestIds.Workspace();

        // Act
        using var response = await SendAsync("POST", $"manage/workspaces/{workspace}/users", PaddedObject("""{"users": [{"external_id": "ada"}]}""", FourMiB), chunked: false);

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        Assert.Equal(1, (await response.ReadJsonAsync()).GetProperty("created").GetInt32());
    }

    [Fact]
    public async Task Postback_Nested32Levels_IsAppliedAnd33Levels_Returns400()
    {
        // Arrange: the root object is level 1; the ignored member holds the rest.
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada");
        var body = JsonSerializer.Serialize(api.ChangesBody("deep", TestChange.Add("ada")), TestJson.Options);

        // Act
        using var atLimit = await SendAsync("POST", "partners/amplitude/cohorts/users", Encoding.UTF8.GetBytes(WithNesting(body, 31)), chunked: false);
        using var overLimit = await SendAsync("POST", "partners/amplitude/cohorts/users", Encoding.UTF8.GetBytes(WithNesting(body, 32)), chunked: false);
        using var farOver = await SendAsync("POST", "partners/amplitude/cohorts/users", Encoding.UTF8.GetBytes(WithNesting(body, 100_000)), chunked: false);

        // Assert
        await ManagementApi.ExpectStatusAsync(atLimit, HttpStatusCode.Created);
        await ManagementApi.ExpectStatusAsync(overLimit, HttpStatusCode.BadRequest);
        Assert.Equal("Request body must be a JSON object.", await overLimit.ReadErrorMessageAsync());
        await ManagementApi.ExpectStatusAsync(farOver, HttpStatusCode.BadRequest);
        Assert.Equal(1, await api.MemberCountAsync("deep"));
    }

    [Fact]
    public async Task Upsert_Nested33Levels_Returns400AndCreatesNothing()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);

        // Act
        using var response = await SendAsync("POST", $"manage/workspaces/{api.Workspace}/users", Encoding.UTF8.GetBytes(WithNesting("""{"users": [{"external_id": "ada"}]}""", 32)), chunked: false);

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.BadRequest);
        await response.ReadErrorMessageAsync();
        Assert.Null(await api.LookupAsync("external_id=ada"));
    }

    public static TheoryData<string> IdKinds() => ["user_ids", "device_ids", "alias_name", "alias_label"];

    [Theory]
    [MemberData(nameof(IdKinds))]
    public async Task Postback_Id1025Characters_Returns400WithBrazeMessageAnd1024IsAccepted(string kind)
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada");

        // Act
        using var over = await api.PostChangesRawAsync(api.ChangesBody("ids", TestChange.Add("ada"), ChangeWith(kind, new string('x', 1025))));
        using var at = await api.PostChangesRawAsync(api.ChangesBody("ids", ChangeWith(kind, new string('x', 1024))));

        // Assert
        await ManagementApi.ExpectStatusAsync(over, HttpStatusCode.BadRequest);
        Assert.Equal(ChangesMessage, await over.ReadErrorMessageAsync());
        await ManagementApi.ExpectStatusAsync(at, HttpStatusCode.Created);
        Assert.Equal(1, (await at.ReadJsonAsync()).GetProperty("unmatched").GetInt32());
        Assert.Equal(0, await api.MemberCountAsync("ids"));
    }

    [Theory]
    [InlineData("partners/amplitude/cohorts")]
    [InlineData("partners/amplitude/cohorts/users")]
    public async Task PartnerEndpoint_CohortId1025Characters_Returns400AndNothingIsCreated(string path)
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada");
        var body = new Dictionary<string, object?>(api.ChangesBody(new string('c', 1025), TestChange.Add("ada")))
        {
            ["name"] = "Too long",
            ["created_at"] = "2021-01-21",
        };

        // Act
        using var response = await _app.Client.PostAsync(new Uri(path, UriKind.Relative), TestJson.Body(body));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("`cohort_id` must be a valid string", await response.ReadErrorMessageAsync());
        Assert.Empty(await api.CohortsAsync());
    }

    [Fact]
    public async Task PartnerEndpoints_CohortIdOf1024Characters_IsKeptExactly()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada");
        var cohortId = new string('é', 1000) + new string('c', 24);

        // Act
        await api.NameCohortAsync(cohortId, new string('n', 1024));
        await api.SendChangesAsync(cohortId, TestChange.Add("ada"));

        // Assert
        var cohort = await api.CohortAsync(cohortId);
        Assert.Equal(new string('n', 1024), cohort.GetRequiredString("name"));
        Assert.Equal(["ada"], await api.MemberExternalIdsAsync(cohortId));
    }

    [Fact]
    public async Task NameCohort_Name1025Characters_Returns400AndKeepsTheName()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.NameCohortAsync("c1", "Original");

        // Act
        using var response = await api.PostNameRawAsync(new Dictionary<string, object?>
        {
            ["partner_api_key"] = _app.PartnerApiKey("amplitude"),
            ["client_secret"] = api.Secret,
            ["cohort_id"] = "c1",
            ["name"] = new string('n', 1025),
            ["created_at"] = "2021-01-21",
        });

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("`name` must be a non-empty string", await response.ReadErrorMessageAsync());
        Assert.Equal("Original", (await api.CohortAsync("c1")).GetRequiredString("name"));
    }

    [Theory]
    [InlineData("device_ids", "device_ids[0] must be 1-1,024 characters without control characters.")]
    [InlineData("alias_name", "aliases[0].alias_name must be 1-1,024 characters without control characters.")]
    [InlineData("alias_label", "aliases[0].alias_label must be 1-1,024 characters without control characters.")]
    public async Task Upsert_Id1025Characters_IsAnEntryErrorAndNothingOfTheEntryIsStored(string kind, string message)
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        var tooLong = new string('y', 1025);
        var user = kind switch
        {
            "device_ids" => new { external_id = "ada", device_ids = new[] { tooLong }, aliases = Array.Empty<object>() },
            "alias_name" => new { external_id = "ada", device_ids = Array.Empty<string>(), aliases = new object[] { new { alias_name = tooLong, alias_label = "email" } } },
            _ => new { external_id = "ada", device_ids = Array.Empty<string>(), aliases = new object[] { new { alias_name = "ada@example.com", alias_label = tooLong } } },
        };

        // Act
        using var response = await _app.Client.PostAsync(new Uri($"manage/workspaces/{api.Workspace}/users", UriKind.Relative), TestJson.Body(new { users = new[] { user } }));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        var body = await response.ReadJsonAsync();
        Assert.Equal(message, Assert.Single(body.GetProperty("errors").EnumerateArray()).GetRequiredString("message"));
        Assert.Equal(0, body.GetProperty("created").GetInt32());
        Assert.Null(await api.LookupAsync("external_id=ada"));
    }

    [Fact]
    public async Task IdentifyAndLookup_Id1025Characters_AreRefused()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync([new TestUser(DeviceIds: ["phone"])]);
        var tooLong = new string('z', 1025);

        // Act
        var identified = await api.IdentifyAsync(new[] { new { external_id = tooLong, device_id = "phone" } });
        using var lookup = await _app.Client.GetAsync(new Uri($"manage/workspaces/{api.Workspace}/users/lookup?external_id={tooLong}", UriKind.Relative));

        // Assert
        Assert.Equal(0, identified.GetProperty("identified").GetInt32() + identified.GetProperty("merged").GetInt32());
        Assert.Single(identified.GetProperty("errors").EnumerateArray());
        await ManagementApi.ExpectStatusAsync(lookup, HttpStatusCode.BadRequest);
        Assert.Equal("external_id must be 1-1,024 characters without control characters.", await lookup.ReadErrorMessageAsync());
        Assert.True((await api.LookupAsync("device_id=phone"))!.Value.GetProperty("anonymous").GetBoolean());
    }

    [Fact]
    public async Task Postback_1001IdsOverEveryKind_Returns400WithBrazeMessageAndAppliesNothing()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada");

        // Act
        using var over = await api.PostChangesRawAsync(api.ChangesBody("many", [.. MixedChanges(1001)]));
        using var at = await api.PostChangesRawAsync(api.ChangesBody("many", [.. MixedChanges(1000)]));

        // Assert
        await ManagementApi.ExpectStatusAsync(over, HttpStatusCode.BadRequest);
        Assert.Equal("Only 1,000 `user_ids`, `device_ids`, and `aliases` are allowed per request", await over.ReadErrorMessageAsync());
        await ManagementApi.ExpectStatusAsync(at, HttpStatusCode.Created);
        Assert.Equal(1, (await at.ReadJsonAsync()).GetProperty("added").GetInt32());
    }

    [Fact]
    public async Task Upsert_1001Users_Returns400AndCreatesNoneOfThem()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        var users = Enumerable.Range(0, 1001).Select(i => new { external_id = $"bulk-{i}" }).ToArray();

        // Act
        using var response = await _app.Client.PostAsync(new Uri($"manage/workspaces/{api.Workspace}/users", UriKind.Relative), TestJson.Body(new { users }));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("users: at most 1,000 users per request.", await response.ReadErrorMessageAsync());
        Assert.Null(await api.LookupAsync("external_id=bulk-0"));
        Assert.Null(await api.LookupAsync("external_id=bulk-1000"));
    }

    [Fact]
    public async Task Identify_51Entries_Returns400And50AreTaken()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync([.. Enumerable.Range(0, 51).Select(i => new TestUser(DeviceIds: [$"dev-{i}"]))]);
        var entries = Enumerable.Range(0, 51).Select(i => new { external_id = $"known-{i}", device_id = $"dev-{i}" }).ToArray();

        // Act
        using var over = await _app.Client.PostAsync(new Uri($"manage/workspaces/{api.Workspace}/users/identify", UriKind.Relative), TestJson.Body(new { identify = entries }));
        var at = await api.IdentifyAsync(entries[..50]);

        // Assert
        await ManagementApi.ExpectStatusAsync(over, HttpStatusCode.BadRequest);
        Assert.Equal("identify: at most 50 users per request.", await over.ReadErrorMessageAsync());
        Assert.Equal(50, at.GetProperty("identified").GetInt32());
        Assert.True((await api.LookupAsync("device_id=dev-50"))!.Value.GetProperty("anonymous").GetBoolean());
    }

    [Theory]
    [InlineData(101, 0, 1, "a user has at most 100 device ids.")]
    [InlineData(0, 101, 1, "a user has at most 100 aliases.")]
    [InlineData(40, 0, 1000, "the user's device ids are too long together (at most 32,000 characters as stored).")]
    [InlineData(100, 100, 10, null)]
    public async Task Upsert_PerUserCaps_EnforcedAtTheEdge(int devices, int aliases, int length, string? error)
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        var user = new TestUser(
            "capped",
            [.. Enumerable.Range(0, devices).Select(i => $"{i:D3}".PadRight(length, 'd'))],
            [.. Enumerable.Range(0, aliases).Select(i => new TestAlias($"name-{i}", $"label-{i}"))]);

        // Act
        using var response = await _app.Client.PostAsync(
            new Uri($"manage/workspaces/{api.Workspace}/users", UriKind.Relative),
            TestJson.Body(new { users = new[] { new { external_id = user.ExternalId, device_ids = user.DeviceIds, aliases = user.Aliases!.Select(a => new { alias_name = a.AliasName, alias_label = a.AliasLabel }) } } }));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        var errors = (await response.ReadJsonAsync()).GetProperty("errors").EnumerateArray().Select(e => e.GetRequiredString("message")).ToList();
        Assert.Equal(error is null ? Array.Empty<string>() : [error], errors);
        Assert.Equal(error is null, await api.LookupAsync("external_id=capped") is not null);
    }

    [Fact]
    public async Task Segments_FilterDepthAndConditions_EnforcedAtTheEdge()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.NameCohortAsync("c1", "One");
        var leaf = Fuzz.Json.Obj(("includes", Fuzz.Json.Obj(("partner", Fuzz.Json.Str("amplitude")), ("cohort_id", Fuzz.Json.Str("c1")))));
        Fuzz.Json Nest(int levels) => Enumerable.Range(1, levels - 1).Aggregate(leaf, (inner, _) => Fuzz.Json.Obj(("and", Fuzz.Json.Arr(inner))));
        Fuzz.Json Wide(int leaves) => Fuzz.Json.Obj(("or", Fuzz.Json.Arr([.. Enumerable.Repeat(leaf, leaves)])));

        // Act
        var results = new List<(HttpStatusCode Status, string Text)>();
        foreach (var filter in new[] { Nest(8), Nest(9), Wide(50), Wide(51) })
        {
            using var content = new StringContent(Fuzz.Json.Obj(("name", Fuzz.Json.Str("s")), ("filter", filter)).Text(), Encoding.UTF8, "application/json");
            using var response = await _app.Client.PostAsync(new Uri($"manage/workspaces/{api.Workspace}/segments", UriKind.Relative), content);
            results.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        // Assert
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.BadRequest, HttpStatusCode.Created, HttpStatusCode.BadRequest], results.Select(r => r.Status));
        Assert.Contains("nested deeper than 8 levels", results[1].Text, StringComparison.Ordinal);
        Assert.Contains("51 cohort conditions; at most 50", results[3].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cohorts/amplitude/c1/members?limit=0", "limit must be between 1 and 1000.")]
    [InlineData("cohorts/amplitude/c1/members?limit=1001", "limit must be between 1 and 1000.")]
    [InlineData("cohorts/amplitude/c1/members?limit=99999999999", "limit must be a whole number.")]
    [InlineData("cohorts/amplitude/c1/members?continuation=bm90IGEgdG9rZW4", "continuation is not a token from a previous page.")]
    [InlineData("data-points?from=2025-01-01&to=2026-01-02", "A report covers at most 366 days.")]
    [InlineData("data-points?from=2026-01-02&to=2026-01-01", "from must not be after to.")]
    [InlineData("data-points?from=2026-02-30", "from and to must be dates as YYYY-MM-DD.")]
    public async Task Queries_OutOfRange_Return400WithMessage(string query, string message)
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.NameCohortAsync("c1", "One");

        // Act
        using var response = await _app.Client.GetAsync(new Uri($"manage/workspaces/{api.Workspace}/{query}", UriKind.Relative));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(message, await response.ReadErrorMessageAsync());
    }

    [Fact]
    public async Task Members_LimitOf1000_IsAccepted()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.NameCohortAsync("c1", "One");

        // Act
        using var response = await _app.Client.GetAsync(new Uri($"manage/workspaces/{api.Workspace}/cohorts/amplitude/c1/members?limit=1000", UriKind.Relative));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, byte[] body, bool chunked)
    {
        var workspacePath = path.Replace("{ws}", TestIds.Workspace(), StringComparison.Ordinal);
        HttpContent content = chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(workspacePath, UriKind.Relative)) { Content = content };
        return await _app.Client.SendAsync(request);
    }

    /// <summary><paramref name="json"/> (an object) with an ignored <c>padding</c> member making it exactly <paramref name="size"/> bytes.</summary>
    private static byte[] PaddedObject(string json, int size)
    {
        var rest = json.Trim()[1..].TrimStart();
        var prefix = "{\"padding\":\"";
        var suffix = rest == "}" ? "\"}" : "\"," + rest;
        var fill = size - Encoding.UTF8.GetByteCount(prefix) - Encoding.UTF8.GetByteCount(suffix);
        var bytes = Encoding.UTF8.GetBytes(prefix + new string('x', fill) + suffix);
        Assert.Equal(size, bytes.Length);
        return bytes;
    }

    /// <summary><paramref name="json"/> (an object) with an ignored member of <paramref name="levels"/> nested arrays: 1 + levels deep.</summary>
    private static string WithNesting(string json, int levels) =>
        "{\"deep\":" + new string('[', levels) + new string(']', levels) + "," + json.Trim()[1..];

    private static TestChange ChangeWith(string kind, string id) => kind switch
    {
        "user_ids" => new TestChange(UserIds: [id]),
        "device_ids" => new TestChange(DeviceIds: [id]),
        "alias_name" => new TestChange(Aliases: [new TestAlias(id, "email")]),
        _ => new TestChange(Aliases: [new TestAlias("ada@example.com", id)]),
    };

    /// <summary><paramref name="count"/> ids spread over every kind; "ada" is the only one that matches.</summary>
    private static IEnumerable<TestChange> MixedChanges(int count)
    {
        var third = count / 3;
        yield return new TestChange(UserIds: ["ada", .. Enumerable.Range(0, third - 1).Select(i => $"nobody-{i}")]);
        yield return new TestChange(DeviceIds: [.. Enumerable.Range(0, third).Select(i => $"device-{i}")], ShouldRemove: false);
        yield return new TestChange(Aliases: [.. Enumerable.Range(0, count - (2 * third)).Select(i => new TestAlias($"alias-{i}", "email"))]);
    }

    /// <summary>A stream that hides its length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
