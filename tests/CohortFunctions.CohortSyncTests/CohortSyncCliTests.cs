using System.Net;
using System.Text.Json;
using CohortFunctions.CohortSync.Cli;
using CohortFunctions.CohortSyncTests.Fakes;
using CohortFunctions.Postbacks;

namespace CohortFunctions.CohortSyncTests;

public sealed class CohortSyncCliTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cohort-sync-tests", Guid.NewGuid().ToString("N"));
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();

    public void Dispose()
    {
        _out.Dispose();
        _error.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_SampleThenChangedSample_SendsTheCohortThenOnlyTheDelta()
    {
        // Arrange
        var server = new FakePartnerServer();
        await Run(server, Args("cohort.csv"));
        var before = server.Requests.Count;

        // Act
        var exitCode = await Run(server, Args("cohort-next.csv"));

        // Assert
        Assert.Equal(ExitCodes.Success, exitCode);
        var delta = Assert.Single(server.Requests.Skip(before));
        Assert.Equal(["user_id=frank", "user_id=gina"], delta.Ids(remove: false));
        Assert.Equal(["user_id=bob", "device_id=D-ANON-1"], delta.Ids(remove: true));
    }

    [Fact]
    public async Task RunAsync_Json_PrintsOneSummaryLineOnStdout()
    {
        // Arrange
        var server = new FakePartnerServer();

        // Act
        var exitCode = await Run(server, [.. Args("cohort.csv"), "--json"]);

        // Assert
        Assert.Equal(ExitCodes.Success, exitCode);
        using var summary = JsonDocument.Parse(_out.ToString());
        var root = summary.RootElement;
        Assert.True(root.GetProperty("succeeded").GetBoolean());
        Assert.Equal(7, root.GetProperty("rows").GetInt32());
        Assert.Equal(6, root.GetProperty("sent").GetInt64());
        Assert.Equal(1, root.GetProperty("skipped").GetInt32());
        Assert.Equal(6, root.GetProperty("added").GetInt64());
        Assert.Equal(0, root.GetProperty("unmatched").GetInt64());
        Assert.Equal(0, root.GetProperty("retried").GetInt32());
    }

    [Fact]
    public async Task RunAsync_KeysOnlyInEnvironment_SendsThemAndPrintsNeither()
    {
        // Arrange
        var server = new FakePartnerServer((request, ct) => Task.FromResult(Responses.Message(
            HttpStatusCode.Unauthorized, PartnerMessages.PartnerNotEnabledPrefix + TestSync.DataImportKey)));
        var environment = new Dictionary<string, string>
        {
            [CliEnvironment.PartnerApiKeyVariable] = TestSync.PartnerApiKey,
            [CliEnvironment.DataImportKeyVariable] = TestSync.DataImportKey,
        };

        // Act
        var exitCode = await Run(server, ArgsWithoutKeys("cohort.csv"), environment);

        // Assert
        Assert.Equal(ExitCodes.SyncFailed, exitCode);
        var sent = PartnerCredentials.From(server.Requests[0].Body);
        Assert.Equal((TestSync.PartnerApiKey, TestSync.DataImportKey), (sent.PartnerApiKey, sent.ClientSecret));
        var output = _out.ToString() + _error.ToString();
        Assert.Contains(PartnerMessages.PartnerNotEnabledPrefix, output, StringComparison.Ordinal);
        Assert.DoesNotContain(TestSync.PartnerApiKey, output, StringComparison.Ordinal);
        Assert.DoesNotContain(TestSync.DataImportKey, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BatchFailsAfterRetries_ExitsWithOneAndReportsIt()
    {
        // Arrange
        var server = new FakePartnerServer((request, ct) => request.IsUsersCall
            ? Task.FromResult(Responses.Message(HttpStatusCode.ServiceUnavailable, "maintenance"))
            : Responses.LikeTheApp(request, ct));

        // Act
        var exitCode = await Run(server, [.. Args("cohort.csv"), "--retries", "2", "--retry-delay", "1ms"]);

        // Assert
        Assert.Equal(ExitCodes.SyncFailed, exitCode);
        Assert.Equal(3, server.UsersCalls.Count);
        Assert.Contains("failed: batch 1 (6 ids) after 3 attempts: 503: maintenance", _out.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(StatePath));
    }

    [Theory]
    [InlineData("--cohort-id")]
    [InlineData("--batch-size", "1001")]
    [InlineData("--mapping", "email")]
    [InlineData("--cadence", "weekly")]
    [InlineData("--timeout", "soon")]
    [InlineData("--endpoint", "not a url")]
    public async Task RunAsync_UsageError_ExitsWithTwoAndSendsNothing(string option, string? value = null)
    {
        // Arrange
        var server = new FakePartnerServer();
        var args = ReplaceOption(Args("cohort.csv"), option, value);

        // Act
        var exitCode = await Run(server, args);

        // Assert
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Empty(server.Requests);
        Assert.NotEmpty(_error.ToString());
    }

    [Fact]
    public async Task RunAsync_KeysMissing_ExitsWithTwo()
    {
        // Act
        var exitCode = await Run(new FakePartnerServer(), ArgsWithoutKeys("cohort.csv"));

        // Assert
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains(CliEnvironment.DataImportKeyVariable, _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DryRun_PrintsThePlanAndSendsNothing()
    {
        // Arrange
        var server = new FakePartnerServer();

        // Act
        var exitCode = await Run(server, [.. Args("cohort.csv"), "--dry-run"]);

        // Assert
        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Empty(server.Requests);
        Assert.Contains("6 to add, 0 to remove in 1 batch", _error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(StatePath));
    }

    private string StatePath => Path.Combine(_directory, "state.json");

    private async Task<int> Run(FakePartnerServer server, string[] args, IReadOnlyDictionary<string, string>? variables = null)
    {
        _out.GetStringBuilder().Clear();
        _error.GetStringBuilder().Clear();
        var environment = new CliEnvironment(_out, _error, name => variables?.GetValueOrDefault(name), server, TimeProvider.System);
        return await CohortSyncCli.RunAsync(args, environment, CancellationToken.None);
    }

    private string[] Args(string sample) =>
        [.. ArgsWithoutKeys(sample), "--partner-api-key", TestSync.PartnerApiKey, "--data-import-key", TestSync.DataImportKey];

    private string[] ArgsWithoutKeys(string sample) =>
    [
        "--file", Path.Combine(AppContext.BaseDirectory, "samples", sample),
        "--endpoint", TestSync.Endpoint.AbsoluteUri,
        "--cohort-id", "power-users",
        "--cohort-name", "Power users",
        "--mapping", "user_id,alias:email,device_id",
        "--state", StatePath,
    ];

    /// <summary>The arguments with <paramref name="option"/>'s value replaced, or the option dropped when no value is given.</summary>
    private static string[] ReplaceOption(string[] args, string option, string? value)
    {
        var list = args.ToList();
        var index = list.IndexOf(option);
        if (index >= 0)
        {
            list.RemoveRange(index, 2);
        }

        if (value is not null)
        {
            list.AddRange([option, value]);
        }

        return [.. list];
    }
}
