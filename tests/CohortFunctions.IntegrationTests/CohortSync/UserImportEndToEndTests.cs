using System.Globalization;
using System.Text;
using CohortFunctions.CohortSync.Import;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.CohortSync;

/// <summary>
/// <c>cohort-sync users</c>'s engine against the real app on Azurite, as docs/cohort-sync.md ("Importing a user base")
/// describes it: a file of a few thousand users is imported through the users API, with its function key; the users
/// are then found by the lookup API; malformed lines never reach the app, rejected entries are reported with the
/// app's message; and importing the same file again changes nothing (the upsert is idempotent).
/// </summary>
public sealed class UserImportEndToEndTests(AppFixture fixture) : IClassFixture<AppFixture>, IDisposable
{
    private const int Lines = 2500;

    private readonly TestApp _app = fixture.App;
    private readonly string _directory = Directory.CreateTempSubdirectory("user-import-e2e-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ImportAsync_FileOfThousandsOfUsers_CreatesThemAsTheLookupApiFindsThemAndReimportChangesNothing()
    {
        // Arrange
        var api = await CohortApi.StartAsync(_app);
        var file = Path.Combine(_directory, "users.csv");
        await File.WriteAllTextAsync(file, UserFile());
        var options = Options(api.Workspace, file, restart: false);

        // Act: import; then import the same file again from its first line.
        var imported = await new UserImportEngine(options, Http()).ImportAsync();
        var rejects = await File.ReadAllLinesAsync(imported.RejectsFile);
        var again = await new UserImportEngine(Options(api.Workspace, file, restart: true), Http()).ImportAsync();

        // Assert: every line is accounted for: 2,492 users created, 2 rejected by the app, 3 malformed (never sent).
        Assert.True(imported.Succeeded, string.Join("; ", imported.Failures.Select(f => $"{f.Request}: {f.StatusCode} {f.Message}")));
        Assert.Equal((Lines + 1L, 2497L, 2495L, 0L, 2L, 3L), (imported.Lines, imported.Users, imported.Created, imported.Updated, imported.Rejected, imported.Malformed));
        Assert.Equal(
            [
                "line,kind,message",
                "101,malformed,bad CSV quoting: a quoted field is not closed on its line.",
                "201,malformed,\"no identifier: columns 'user_id', 'device', 'email' are all empty.\"",
                "301,malformed,\"column 'user_id' is longer than 1,024 characters.\"",
                "401,rejected,\"external_id must be 1-1,024 characters without control characters.\"",
                "502,rejected,aliases[0] belongs to another user.",
            ],
            rejects.Take(1).Concat(rejects.Skip(1).OrderBy(r => long.Parse(r.Split(',')[0], CultureInfo.InvariantCulture))));

        // The lookup API finds every user by the identifiers the mapping gave it.
        var expected = Enumerable.Range(1, Lines).Select(Line).Where(u => u.Kind == LineKind.Identified).ToList();
        var found = await LookupAllAsync(api, expected.Select(u => $"external_id={Uri.EscapeDataString(u.ExternalId!)}"));
        Assert.Equal(expected.Count, found.Count(f => f is not null));
        var ada = found[expected.FindIndex(u => u.ExternalId == "ada-500")]!.Value;
        Assert.Equal("shared@example.com", ada.GetProperty("aliases")[0].GetRequiredString("alias_name"));
        var withDevice = expected.First(u => u.Device is not null);
        Assert.Equal(withDevice.ExternalId, (await api.LookupAsync($"device_id={withDevice.Device}"))?.GetRequiredString("external_id"));
        var withEmail = expected.First(u => u.Email is not null && u.ExternalId != "ada-500");
        Assert.Equal(withEmail.ExternalId, (await api.LookupAsync($"alias_label=email&alias_name={Uri.EscapeDataString(withEmail.Email!)}"))?.GetRequiredString("external_id"));
        var anonymous = Enumerable.Range(1, Lines).Select(Line).Where(u => u.Kind == LineKind.Anonymous).ToList();
        var anonymousFound = await LookupAllAsync(api, anonymous.Select(u => $"device_id={u.Device}"));
        Assert.All(anonymousFound, f => Assert.True(f?.GetProperty("anonymous").GetBoolean()));
        Assert.Null(await api.LookupAsync($"external_id={Uri.EscapeDataString(new string('x', 1025)[..1024])}"));

        // Sending every entry again is an update that changes nothing: the same users, none created.
        Assert.True(again.Succeeded);
        Assert.Equal((0L, 2495L, 2L, 3L), (again.Created, again.Updated, again.Rejected, again.Malformed));
        Assert.Equal(ada.GetRequiredString("user_id"), (await api.LookupAsync("external_id=ada-500"))?.GetRequiredString("user_id"));
    }

    private UserImportOptions Options(string workspace, string file, bool restart) => new()
    {
        Endpoint = _app.BaseAddress,
        Workspace = workspace,
        FunctionKey = _app.FunctionKey,
        File = file,
        Mapping = UserMapping.Parse("external_id:user_id,device_id:device,alias:email"),
        StatePath = Path.Combine(_directory, "state.json"),
        RejectsPath = Path.Combine(_directory, "users.rejects.csv"),
        Restart = restart,

        // A failure here is a finding, not bad luck: retry once, quickly, so a failing test fails fast.
        MaxRetries = 1,
        RetryBaseDelay = TimeSpan.FromMilliseconds(200),
    };

    private static HttpClient Http() => new() { Timeout = Timeout.InfiniteTimeSpan };

    private static async Task<List<System.Text.Json.JsonElement?>> LookupAllAsync(CohortApi api, IEnumerable<string> queries)
    {
        var list = queries.ToList();
        var found = new System.Text.Json.JsonElement?[list.Count];
        await Parallel.ForAsync(0, list.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) => found[i] = await api.LookupAsync(list[i]));
        return [.. found];
    }

    private static string UserFile()
    {
        var text = new StringBuilder("user_id,device,email\n");
        for (var i = 1; i <= Lines; i++)
        {
            text.Append(Line(i).Text).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Data line <paramref name="i"/> (file line i + 1): mostly identified users, some anonymous, a few bad.</summary>
    private static FileLine Line(int i) => i switch
    {
        100 => new(LineKind.Malformed, "\"broken,x,y", null, null, null),
        200 => new(LineKind.Malformed, ",,", null, null, null),
        300 => new(LineKind.Malformed, new string('x', 1025) + ",,", null, null, null),
        400 => new(LineKind.Rejected, "bad\u0007id,,", null, null, null),
        500 => new(LineKind.Identified, "ada-500,,shared@example.com", "ada-500", null, "shared@example.com"),
        501 => new(LineKind.Rejected, "bob-501,,shared@example.com", null, null, null),
        _ when i % 100 == 50 => new(LineKind.Anonymous, $",anon-{i:D4},", null, $"anon-{i:D4}", null),
        _ => Identified(i),
    };

    private static FileLine Identified(int i)
    {
        var externalId = $"user-{i:D4}";
        var device = i % 3 == 0 ? $"dev-{i:D4}" : null;
        var email = i % 5 == 0 ? $"user{i}@example.com" : null;
        return new(LineKind.Identified, $"{externalId},{device},{email}", externalId, device, email);
    }

    private enum LineKind
    {
        Identified,
        Anonymous,
        Malformed,
        Rejected,
    }

    private sealed record FileLine(LineKind Kind, string Text, string? ExternalId, string? Device, string? Email);
}
