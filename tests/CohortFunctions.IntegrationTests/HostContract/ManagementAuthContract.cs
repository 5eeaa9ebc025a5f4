using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using CohortFunctions.App.Hosting;
using CohortFunctions.IntegrationTests.Fuzz;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.IntegrationTests.RealHost;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.IntegrationTests.HostContract;

/// <summary>
/// Who may call what, on both hosts. Every function whose auth level is Function, called at its real route with the
/// ids of a real workspace, answers the host's 401 (no body) to every caller without the function key (none, a wrong
/// one, another secret of the app in its place) and does nothing, and is served with it (header or <c>code</c>); the
/// partner endpoints take only the configured partner keys.
/// </summary>
public abstract partial class ManagementAuthContract(HostFixture fixture)
{
    private readonly IAppUnderTest _app = fixture.App;

    /// <summary>Every keyed function and method, by name (the workspace is filled in per run).</summary>
    public static TheoryData<string, string> KeyedFunctions()
    {
        var data = new TheoryData<string, string>();
        foreach (var function in FunctionCatalog.App.Http.Where(f => f.AuthLevel == AuthorizationLevel.Function))
        {
            foreach (var method in function.Methods)
            {
                data.Add(function.Name, method);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KeyedFunctions))]
    public async Task KeyedFunction_RealRouteWithoutTheFunctionKey_Returns401AndDoesNothing(string name, string method)
    {
        // Arrange
        var workspace = await WorkspaceAsync();
        var function = FunctionCatalog.App.Http.Single(f => f.Name == name);
        var path = RouteParameter().Replace(function.Route, m => Value(m.Groups[1].Value, workspace));
        var body = method is "POST" or "PUT" ? BodyFor(name) : null;
        var before = await workspace.ObservableStateAsync();
        string?[] wrongKeys =
        [
            null, "", _app.FunctionKey + "x", "x" + _app.FunctionKey, _app.FunctionKey![..^1], "-" + _app.FunctionKey[1..],
            workspace.Amplitude.Secret, _app.PartnerApiKey("amplitude"),
        ];

        // Act
        var answers = new List<(string How, HttpResponseMessage Response)>();
        foreach (var key in wrongKeys)
        {
            answers.Add(($"x-functions-key '{key}'", await SendAsync(method, $"{path}?{QueryFor(name)}", body, header: key)));
            if (!string.IsNullOrEmpty(key))
            {
                answers.Add(($"code '{key}'", await SendAsync(method, $"{path}?{QueryFor(name)}code={Uri.EscapeDataString(key)}", body, header: null)));
            }
        }

        // Assert: the host refuses before the app sees the request, with a bare 401 (the local host answers the same).
        foreach (var (how, response) in answers)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} with {how}: {(int)response.StatusCode}");
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
            response.Dispose();
        }

        Assert.Equal(before, await workspace.ObservableStateAsync());
    }

    [Theory]
    [MemberData(nameof(KeyedFunctions))]
    public async Task KeyedFunction_RealRouteWithTheFunctionKey_IsServed(string name, string method)
    {
        // Arrange: a separate workspace, since these calls do change it; a 401 here would mean the routes above are not real.
        var workspace = await FuzzWorkspace.StartAsync(_app);
        var function = FunctionCatalog.App.Http.Single(f => f.Name == name);
        var path = RouteParameter().Replace(function.Route, m => Value(m.Groups[1].Value, workspace));

        // Act
        using var response = await SendAsync(method, $"{path}?{QueryFor(name)}code={Uri.EscapeDataString(_app.FunctionKey!)}", method is "POST" or "PUT" ? BodyFor(name) : null, header: null);

        // Assert
        Assert.True((int)response.StatusCode is >= 200 and < 300, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static TheoryData<string, string> WrongPartnerKeys() => new()
    {
        { "partners/amplitude/cohorts", "missing" },
        { "partners/amplitude/cohorts/users", "missing" },
        { "partners/amplitude/cohorts/users", "empty" },
        { "partners/amplitude/cohorts/users", "null" },
        { "partners/amplitude/cohorts/users", "number" },
        { "partners/amplitude/cohorts/users", "other partner's" },
        { "partners/amplitude/cohorts", "other partner's" },
        { "partners/amplitude/cohorts/users", "upper case" },
        { "partners/amplitude/cohorts/users", "with a space" },
        { "partners/amplitude/cohorts/users", "function key" },
        { "partners/amplitude/cohorts/users", "data import key" },
        { "partners/nosuch/cohorts/users", "right" },
        { "partners/AMPLITUDE/cohorts", "right" },
    };

    [Theory]
    [MemberData(nameof(WrongPartnerKeys))]
    public async Task PartnerEndpoint_NotAConfiguredPartnerKey_Returns401InvalidPartnerApiKeyAndDoesNothing(string path, string which)
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada");
        var right = _app.PartnerApiKey("amplitude");
        var body = new Dictionary<string, object?>(api.ChangesBody("c1", TestChange.Add("ada"))) { ["name"] = "n", ["created_at"] = "2021-01-21" };
        body["partner_api_key"] = which switch
        {
            "empty" => "",
            "null" => null,
            "number" => 42,
            "other partner's" => _app.PartnerApiKey("mixpanel"),
            "upper case" => right.ToUpperInvariant(),
            "with a space" => right + " ",
            "function key" => _app.FunctionKey,
            "data import key" => api.Secret,
            _ => right,
        };
        if (which == "missing")
        {
            body.Remove("partner_api_key");
        }

        // Act
        using var response = await _app.CreateClient(withFunctionKey: false).PostAsync(new Uri(path, UriKind.Relative), TestJson.Body(body));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Invalid Partner API key", await response.ReadErrorMessageAsync());
        Assert.Empty(await api.CohortsAsync());
    }

    [Fact]
    public async Task PartnerEndpoint_WithoutAnyFunctionKey_IsServed()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        await api.CreateUsersAsync("ada");

        // Act
        using var response = await _app.CreateClient(withFunctionKey: false).PostAsync(
            new Uri("partners/amplitude/cohorts/users", UriKind.Relative), TestJson.Body(api.ChangesBody("c1", TestChange.Add("ada"))));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.Created);
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string? body, string? header)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("x-functions-key", header);
        }

        return await _app.CreateClient(withFunctionKey: false).SendAsync(request);
    }

    /// <summary>A route parameter's value in <paramref name="workspace"/>: its real ids, so a call that got through would act.</summary>
    private static string Value(string parameter, FuzzWorkspace workspace) => parameter switch
    {
        "workspace" => workspace.Workspace,
        "partner" => "amplitude",
        "cohortId" => FuzzWorkspace.CohortOne,
        "segmentId" => workspace.SegmentId,
        "keyId" => workspace.AmplitudeKeyId,
        "userId" => workspace.UserId,
        _ => throw new ArgumentOutOfRangeException(nameof(parameter), parameter, "A route parameter this test does not know: add a real value for it."),
    };

    /// <summary>The query a function needs to do something, followed by <c>&amp;</c>.</summary>
    private static string QueryFor(string function) => function == "LookupUser" ? "external_id=u1&" : "";

    /// <summary>A valid body for each function that reads one.</summary>
    private static string BodyFor(string function) => function switch
    {
        "UpsertUsers" => """{"users": [{"external_id": "u1", "device_ids": ["via-no-key"]}, {"external_id": "created-without-key"}]}""",
        "IdentifyUsers" => $$"""{"identify": [{"external_id": "identified-without-key", "device_id": "{{FuzzWorkspace.AnonymousDevice}}"}]}""",
        "CreateSegment" => FuzzWorkspace.SegmentBody("created-without-key").Text(),
        "UpdateSegment" => FuzzWorkspace.SegmentBody("renamed-without-key").Text(),
        "PreviewSegmentSize" => FuzzWorkspace.SegmentBody("sized-without-key").Text(),
        "SetCohortSchedule" => """{"cadence": "realtime"}""",
        _ => "",
    };

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex RouteParameter();

    /// <summary>One seeded workspace for every refused call of the class (its tests run one at a time): none may change it.</summary>
    private Task<FuzzWorkspace> WorkspaceAsync() => fixture.OnceAsync("refused-calls", () => FuzzWorkspace.StartAsync(_app));
}

public sealed class ManagementAuthContractOnLocalHost(LocalHostFixture fixture) : ManagementAuthContract(fixture), IClassFixture<LocalHostFixture>;

[Trait("Host", "Real")]
public sealed class ManagementAuthContractOnRealHost(RealHostFixture fixture) : ManagementAuthContract(fixture), IClassFixture<RealHostFixture>;
