using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.OpenApi;

/// <summary>
/// The state the OpenAPI samples run against: an app on Azurite with a workspace, a data import key, two users in a
/// named cohort and a segment over it; and a second app whose storage does not answer, for the 503 answers.
/// Samples that delete or invalidate something create their own victim first, so samples do not depend on each other.
/// </summary>
public sealed class ConformanceWorld : IAsyncLifetime
{
    public const string CohortId = "power users/1";

    /// <summary>A user the postback named before it existed: waiting for a resync pass (until the resync sample runs).</summary>
    public const string LateUser = "not-yet-a-user";

    private TestApp? _app;
    private TestApp? _unreachable;
    private CohortApi? _api;

    public TestApp App => _app ?? throw new InvalidOperationException("Not started.");

    /// <summary>The app whose storage is a closed port.</summary>
    public TestApp Unreachable => _unreachable ?? throw new InvalidOperationException("Not started.");

    public CohortApi Api => _api ?? throw new InvalidOperationException("Not started.");

    public string Workspace => Api.Workspace;

    public string SegmentId { get; private set; } = "";

    /// <summary>The cohort id as it goes into a path (URL-encoded).</summary>
    public static string EncodedCohortId => Uri.EscapeDataString(CohortId);

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        _unreachable = await TestApp.StartAsync(o => o.UseUnreachableStorage());
        _api = await CohortApi.StartAsync(_app);
        await Api.CreateUsersAsync("ada", "bob");
        await Api.NameCohortAsync(CohortId, "Power users");
        await Api.SendChangesAsync(CohortId, TestChange.Add("ada", "bob", LateUser));
        await Api.CreateUsersAsync(LateUser);
        SegmentId = await CreateSegmentAsync("Power users");

        // History is written just after the answers: the samples read it once it is there.
        await Api.WaitForHistoryAsync(CohortId, 2);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_unreachable is not null)
        {
            await _unreachable.DisposeAsync();
        }
    }

    /// <summary>The body of a segment over the world's cohort.</summary>
    public static Dictionary<string, object?> SegmentBody(string name) => new()
    {
        ["name"] = name,
        ["filter"] = new Dictionary<string, object?> { ["includes"] = new Dictionary<string, string> { ["partner"] = "amplitude", ["cohort_id"] = CohortId } },
    };

    public async Task<string> CreateSegmentAsync(string name)
    {
        using var response = await App.Client.PostAsync(new Uri($"manage/workspaces/{Workspace}/segments", UriKind.Relative), TestJson.Body(SegmentBody(name)));
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.Created);
        return (await response.ReadJsonAsync()).GetRequiredString("segment_id");
    }

    public async Task<string> CreateKeyIdAsync() => (await App.Client.CreateKeyAsync(Workspace, "amplitude")).KeyId;

    /// <summary>A new user's platform id.</summary>
    public async Task<string> CreateUserIdAsync()
    {
        var externalId = "victim-" + Guid.NewGuid().ToString("N")[..8];
        await Api.CreateUsersAsync(externalId);
        var user = await Api.LookupAsync($"external_id={externalId}") ?? throw new InvalidOperationException("The user just created is not found.");
        return user.GetRequiredString("user_id");
    }
}
