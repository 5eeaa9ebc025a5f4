using System.Net;
using System.Text;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Fuzz;

/// <summary>
/// A workspace with something of everything, for hostile requests to aim at: data import keys of both partners (and
/// an invalidated one), identified and anonymous users with device ids and aliases, cohorts of both partners with
/// members and an unmatched identifier pending, a cadence, a saved segment and data points.
/// <see cref="ObservableStateAsync"/> is what an operator can see of it.
/// </summary>
public sealed class FuzzWorkspace
{
    public const string CohortOne = "c1";
    public const string CohortTwo = "c2";
    public const string MixpanelCohort = "m1";
    public const string AnonymousDevice = "anon-d";

    private FuzzWorkspace(CohortApi amplitude, CohortApi mixpanel, string invalidatedSecret, string segmentId, string amplitudeKeyId, string userId)
    {
        Amplitude = amplitude;
        Mixpanel = mixpanel;
        InvalidatedSecret = invalidatedSecret;
        SegmentId = segmentId;
        AmplitudeKeyId = amplitudeKeyId;
        UserId = userId;
    }

    public IAppUnderTest App => Amplitude.App;

    public string Workspace => Amplitude.Workspace;

    /// <summary>The sender of Amplitude's postbacks (its data import key).</summary>
    public CohortApi Amplitude { get; }

    /// <summary>The sender of Mixpanel's postbacks, in the same workspace.</summary>
    public CohortApi Mixpanel { get; }

    /// <summary>An Amplitude key of this workspace that the operator invalidated.</summary>
    public string InvalidatedSecret { get; }

    public string SegmentId { get; }

    /// <summary>The key id of <see cref="Amplitude"/>'s data import key.</summary>
    public string AmplitudeKeyId { get; }

    /// <summary>The platform's user id of u3 (a member of m1).</summary>
    public string UserId { get; }

    public static async Task<FuzzWorkspace> StartAsync(IAppUnderTest app, string? workspace = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var amplitude = await CohortApi.StartAsync(app, "amplitude", workspace);
        var mixpanel = await CohortApi.StartAsync(app, "mixpanel", amplitude.Workspace);
        var invalidated = await app.Client.CreateKeyAsync(amplitude.Workspace, "amplitude");
        await app.Client.InvalidateKeyAsync(amplitude.Workspace, "amplitude", invalidated.KeyId);

        await amplitude.CreateUsersAsync(
        [
            new TestUser("u1", ["d1"], [new TestAlias("a1", "email")]),
            new TestUser("u2", Aliases: [new TestAlias("a2", "email")]),
            new TestUser("u3"),
            new TestUser(DeviceIds: [AnonymousDevice], Aliases: [new TestAlias("anon-a", "amplitude_id")]),
        ]);
        await amplitude.NameCohortAsync(CohortOne, "Cohort one");
        await amplitude.SendChangesAsync(CohortOne, TestChange.Add("u1", "u2", "ghost"), new TestChange(DeviceIds: [AnonymousDevice]));
        await amplitude.NameCohortAsync(CohortTwo, "Cohort two");
        await amplitude.SendChangesAsync(CohortTwo, TestChange.Add("u2"));
        await mixpanel.SendChangesAsync(MixpanelCohort, TestChange.Add("u3"));

        using var schedule = await app.Client.PutAsync(
            new Uri($"manage/workspaces/{amplitude.Workspace}/cohorts/amplitude/{CohortOne}/schedule", UriKind.Relative),
            TestJson.Body(new { cadence = "daily" }));
        await ManagementApi.ExpectStatusAsync(schedule, HttpStatusCode.OK);
        using var segment = await app.Client.PostAsync(
            new Uri($"manage/workspaces/{amplitude.Workspace}/segments", UriKind.Relative),
            new StringContent(SegmentBody("S1").Text(), Encoding.UTF8, "application/json"));
        await ManagementApi.ExpectStatusAsync(segment, HttpStatusCode.Created);
        var segmentId = (await segment.ReadJsonAsync()).GetRequiredString("segment_id");
        var keyId = (await app.Client.ListKeysAsync(amplitude.Workspace, "amplitude")).Single(k => k.InvalidatedAt is null).KeyId;
        var userId = (await amplitude.LookupAsync("external_id=u3"))!.Value.GetRequiredString("user_id");
        return new FuzzWorkspace(amplitude, mixpanel, invalidated.Secret, segmentId, keyId, userId);
    }

    /// <summary>A valid segment body: members of c1 who are not in c2.</summary>
    public static JObj SegmentBody(string name) => new(
    [
        ("name", new JStr(name)),
        ("filter", Json.Obj(("and", Json.Arr(
            Json.Obj(("includes", Json.Obj(("partner", Json.Str("amplitude")), ("cohort_id", Json.Str(CohortOne))))),
            Json.Obj(("excludes", Json.Obj(("partner", Json.Str("amplitude")), ("cohort_id", Json.Str(CohortTwo))))))))),
    ]);

    /// <summary>
    /// Everything an operator sees of the workspace through the management API: cohorts with member counts and
    /// cadences, members, data points, users by each kind of identifier, segments and their sizes, the cohort filter,
    /// and the keys with their hints, invalidation and last use.
    /// </summary>
    public async Task<string> ObservableStateAsync()
    {
        var ws = $"manage/workspaces/{Workspace}";
        string[] paths =
        [
            $"{ws}/cohorts",
            $"{ws}/cohorts/amplitude/{CohortOne}/members",
            $"{ws}/cohorts/amplitude/{CohortTwo}/members",
            $"{ws}/cohorts/mixpanel/{MixpanelCohort}/members",
            $"{ws}/data-points",
            $"{ws}/users/lookup?external_id=u1",
            $"{ws}/users/lookup?external_id=u2",
            $"{ws}/users/lookup?external_id=u3",
            $"{ws}/users/lookup?device_id={AnonymousDevice}",
            $"{ws}/users/lookup?alias_name=a1&alias_label=email",
            $"{ws}/segments",
            $"{ws}/segments/{SegmentId}/users",
            $"{ws}/cohort-filters",
            $"{ws}/partners/amplitude/keys",
            $"{ws}/partners/mixpanel/keys",
        ];
        var state = new StringBuilder();
        foreach (var path in paths)
        {
            using var response = await App.Client.GetAsync(new Uri(path, UriKind.Relative));
            await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
            state.Append(path).Append(" => ").AppendLine(await response.Content.ReadAsStringAsync());
        }

        return state.ToString();
    }
}
