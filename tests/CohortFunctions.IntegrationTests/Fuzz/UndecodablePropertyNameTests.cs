using System.Net;
using System.Text;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Fuzz;

/// <summary>
/// Found by the fuzz: a property name holding an escaped lone surrogate (<c>"\ud800"</c>) or bytes that are not UTF-8
/// parses, but every later property lookup that passes it throws, so any endpoint answered 500. Such bodies are
/// refused as malformed, wherever the name sits.
/// </summary>
public sealed class UndecodablePropertyNameTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    /// <summary>Stands for the bytes <c>n 0xFF 0xC3 x</c>, which a test body cannot hold as text.</summary>
    private const string NotUtf8 = "NOT-UTF8";

    private readonly TestApp _app = fixture.App;

    public static TheoryData<string, string, string> Bodies()
    {
        var data = new TheoryData<string, string, string>();
        string[] bodies =
        [
            """{"partner_api_key": "k", "client_secret": "s", "cohort_id": "c", "name": "n", "created_at": "2021-01-01", "NAME": true}""",
            """{"partner_api_key": "k", "NAME": null, "client_secret": "s", "cohort_id": "c", "cohort_changes": []}""",
            """{"cohort_changes": [{"user_ids": ["u"], "NAME": 1}], "cohort_id": "c"}""",
            """{"users": [{"external_id": "u", "NAME": 1}]}""",
            """{"NAME": 1, "identify": []}""",
            """{"name": "s", "filter": {"NAME": {}}}""",
            """{"name": "s", "filter": {"includes": {"NAME": "amplitude", "cohort_id": "c"}}}""",
            """{"note": {"NAME": 1}}""",
        ];
        string[] paths =
        [
            "partners/amplitude/cohorts", "partners/amplitude/cohorts/users", "partners/amplitude/cohorts/users", "manage/workspaces/{ws}/users",
            "manage/workspaces/{ws}/users/identify", "manage/workspaces/{ws}/segments", "manage/workspaces/{ws}/segments", "manage/workspaces/{ws}/partners/amplitude/keys",
        ];
        foreach (var name in (string[])["\\ud800", "a\\udc00b", "\\udbff;;", NotUtf8])
        {
            for (var i = 0; i < bodies.Length; i++)
            {
                data.Add("POST", paths[i], bodies[i].Replace("NAME", name, StringComparison.Ordinal));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task AnyBody_UndecodablePropertyName_Returns400Malformed(string method, string path, string body)
    {
        // Arrange
        var workspace = TestIds.Workspace();
        var bytes = Encoding.UTF8.GetBytes(body).ToList();
        var marker = body.IndexOf(NotUtf8, StringComparison.Ordinal);
        if (marker >= 0)
        {
            bytes.RemoveRange(marker, NotUtf8.Length);
            bytes.InsertRange(marker, [(byte)'n', 0xFF, 0xC3, (byte)'x']);
        }

        using var content = new ByteArrayContent([.. bytes]);
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path.Replace("{ws}", workspace, StringComparison.Ordinal), UriKind.Relative)) { Content = content };

        // Act
        using var response = await _app.Client.SendAsync(request);

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Request body must be a JSON object.", await response.ReadErrorMessageAsync());
    }
}
