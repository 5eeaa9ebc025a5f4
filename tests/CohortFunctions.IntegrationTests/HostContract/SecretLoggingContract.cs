using System.Net;
using System.Text;
using CohortFunctions.IntegrationTests.Fuzz;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.IntegrationTests.RealHost;

namespace CohortFunctions.IntegrationTests.HostContract;

/// <summary>
/// Every secret the app handles — data import keys of both partners, the partner API keys, the function key — stays
/// out of every log entry (message, structured values, scopes, exceptions) through a whole working day over HTTP:
/// keys generated, listed and invalidated, name calls and postbacks (accepted, refused for each credential, broken),
/// users, segments, a schedule, a resync, data points, with the function key in the header and in <c>?code=</c>. On the
/// real host "every log" is everything the host wrote: its own request and function logs and the worker's.
/// </summary>
public abstract class SecretLoggingContract(HostFixture fixture)
{
    [Fact]
    public async Task FullFlowOverHttp_AllLogs_ContainNoSecret()
    {
        // Arrange
        var app = fixture.App;
        var code = "?code=" + Uri.EscapeDataString(app.FunctionKey!);
        var anonymous = app.CreateClient(withFunctionKey: false);
        var w = await FuzzWorkspace.StartAsync(app);
        var ws = $"manage/workspaces/{w.Workspace}";
        var statuses = new List<HttpStatusCode>();

        async Task SendAsync(HttpClient client, HttpMethod method, string path, string? body = null)
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        string Partner(string partnerKey, string secret, string extra) =>
            $$"""{"partner_api_key": "{{partnerKey}}", "client_secret": "{{secret}}", "cohort_id": "c1", "name": "n", "created_at": "2021-01-21", {{extra}}}""";

        var amplitudeKey = app.PartnerApiKey("amplitude");
        var mixpanelKey = app.PartnerApiKey("mixpanel");
        var changes = "\"cohort_changes\": [{\"user_ids\": [\"u1\", \"u3\", \"nobody\"]}]";

        // Act: keys through the header and through ?code=.
        await SendAsync(anonymous, HttpMethod.Post, $"{ws}/partners/amplitude/keys{code}");
        await SendAsync(anonymous, HttpMethod.Get, $"{ws}/partners/mixpanel/keys{code}");
        await SendAsync(app.Client, HttpMethod.Get, $"{ws}/partners/amplitude/keys");

        // Postbacks: accepted, then refused for each credential in turn, then broken with the secret inside.
        foreach (var path in (string[])["partners/amplitude/cohorts", "partners/amplitude/cohorts/users"])
        {
            await SendAsync(anonymous, HttpMethod.Post, path, Partner(amplitudeKey, w.Amplitude.Secret, changes));
            await SendAsync(anonymous, HttpMethod.Post, path, Partner(mixpanelKey, w.Amplitude.Secret, changes));
            await SendAsync(anonymous, HttpMethod.Post, path, Partner(amplitudeKey, w.Mixpanel.Secret, changes));
            await SendAsync(anonymous, HttpMethod.Post, path, Partner(amplitudeKey, w.InvalidatedSecret, changes));
            await SendAsync(anonymous, HttpMethod.Post, path, Partner(app.FunctionKey!, amplitudeKey, changes));
            await SendAsync(anonymous, HttpMethod.Post, path, Partner(w.Amplitude.Secret, app.FunctionKey!, changes));
            await SendAsync(anonymous, HttpMethod.Post, path, Partner(amplitudeKey, w.Amplitude.Secret, "\"cohort_changes\": 5"));
            await SendAsync(anonymous, HttpMethod.Post, path, Partner(amplitudeKey, w.Amplitude.Secret, changes)[..^3]);
            await SendAsync(anonymous, HttpMethod.Post, path.Replace("amplitude", "mixpanel", StringComparison.Ordinal), Partner(mixpanelKey, w.Amplitude.Secret, changes));
        }

        // Management with the key in ?code=, and refused with wrong keys derived from the real one.
        await SendAsync(anonymous, HttpMethod.Post, $"{ws}/users{code}", """{"users": [{"external_id": "u9", "device_ids": ["d9"]}, {"external_id": "bad\u0007"}]}""");
        await SendAsync(anonymous, HttpMethod.Post, $"{ws}/users/identify{code}", $$"""{"identify": [{"external_id": "u8", "device_id": "{{FuzzWorkspace.AnonymousDevice}}"}]}""");
        await SendAsync(anonymous, HttpMethod.Get, $"{ws}/users/lookup{code}&external_id=u1");
        await SendAsync(anonymous, HttpMethod.Post, $"{ws}/segments{code}", FuzzWorkspace.SegmentBody("S2").Text());
        await SendAsync(anonymous, HttpMethod.Get, $"{ws}/segments/{w.SegmentId}/users{code}");
        await SendAsync(anonymous, HttpMethod.Put, $"{ws}/cohorts/amplitude/c1/schedule{code}", """{"cadence": "realtime"}""");
        await SendAsync(anonymous, HttpMethod.Post, $"{ws}/cohorts/amplitude/c1/resync{code}");
        await SendAsync(anonymous, HttpMethod.Get, $"{ws}/data-points{code}&from=2026-01-01&to=2026-01-02");
        await SendAsync(anonymous, HttpMethod.Get, $"{ws}/cohorts?code={Uri.EscapeDataString(app.FunctionKey! + "x")}");
        await SendAsync(anonymous, HttpMethod.Get, $"{ws}/cohorts?code={Uri.EscapeDataString(w.Amplitude.Secret)}");
        var keys = await app.Client.ListKeysAsync(w.Workspace, "amplitude");
        foreach (var key in keys.Where(k => k.InvalidatedAt is null))
        {
            await SendAsync(anonymous, HttpMethod.Delete, $"{ws}/partners/amplitude/keys/{key.KeyId}{code}");
        }

        await SendAsync(anonymous, HttpMethod.Post, "partners/amplitude/cohorts/users", Partner(amplitudeKey, w.Amplitude.Secret, changes));

        // Assert: the flow ran as intended and was logged, so the absence of secrets means something.
        Assert.Contains(HttpStatusCode.Created, statuses);
        Assert.Contains(HttpStatusCode.Unauthorized, statuses);
        Assert.Contains(HttpStatusCode.BadRequest, statuses);
        Assert.Equal(HttpStatusCode.Unauthorized, statuses[^1]);
        var logs = app.LogText();
        Assert.Contains("Postback applied", logs, StringComparison.Ordinal);
        Assert.Contains("invalidated", logs, StringComparison.Ordinal);
        string[] secrets = [w.Amplitude.Secret, w.Mixpanel.Secret, w.InvalidatedSecret, amplitudeKey, mixpanelKey, app.FunctionKey!];
        foreach (var line in logs.Split('\n'))
        {
            foreach (var secret in secrets)
            {
                Assert.False(
                    line.Contains(secret, StringComparison.OrdinalIgnoreCase) || line.Contains(Uri.EscapeDataString(secret), StringComparison.OrdinalIgnoreCase),
                    $"A secret was logged: {line}");
            }
        }
    }
}

public sealed class SecretLoggingContractOnLocalHost(LocalHostFixture fixture) : SecretLoggingContract(fixture), IClassFixture<LocalHostFixture>;

[Trait("Host", "Real")]
public sealed class SecretLoggingContractOnRealHost(RealHostFixture fixture) : SecretLoggingContract(fixture), IClassFixture<RealHostFixture>;
