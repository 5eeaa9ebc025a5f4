using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CohortFunctions.CohortSync.Cli;
using CohortFunctions.CohortSyncTests.Fakes;

namespace CohortFunctions.CohortSyncTests.Import;

public sealed partial class UsersCliTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();

    public void Dispose()
    {
        _out.Dispose();
        _error.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task RunAsync_EveryUserImported_ExitsWithZeroAndPrintsTheSummary()
    {
        // Arrange
        var server = new FakePartnerServer(new FakeUsersApi().Respond);
        var file = _directory.Write("users.csv", TestImport.Csv(1500));

        // Act
        var exitCode = await Run(server, Args(file));

        // Assert
        Assert.Equal(ExitCodes.Success, exitCode);
        var output = _out.ToString();
        Assert.Contains("users of users.csv to workspace 'acme': imported", output, StringComparison.Ordinal);
        Assert.Contains("lines 1,501 of 1,501 done: users 1,500: created 1,500, updated 0, rejected 0, unsent 0; malformed lines 0", output, StringComparison.Ordinal);
        Assert.Contains($"rejects: {_directory.File("rejects.csv")}", output, StringComparison.Ordinal);
        Assert.Contains($"cohort-sync users: {file} (1,501 lines, csv) to http://cohorts.test/manage/workspaces/acme/users by external_id", _error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("users.csv", "external_id:user_id,device_id:device,alias:email,alias:amplitude_id", 7, 8)]
    [InlineData("users.ndjson", "external_id:user_id,device_id:devices,alias:email,alias:amplitude_id", 6, 7)]
    public async Task RunAsync_SampleFile_SendsItsSixUsersAndReportsItsTwoMalformedLinesNextToTheState(string sample, string mapping, long noIdentifier, long badSyntax)
    {
        // Arrange: the samples of docs/cohort-sync.md; the state in a directory still to be made, the rejects file
        // left to its default.
        var server = new FakePartnerServer(new FakeUsersApi().Respond);
        var args = ReplaceOption(Args(Path.Combine(AppContext.BaseDirectory, "samples", sample)), "--mapping", mapping);
        args = ReplaceOption(ReplaceOption(args, "--rejects", null), "--state", _directory.File(Path.Combine("imports", "state.json")));

        // Act
        var exitCode = await Run(server, args);

        // Assert
        Assert.Equal(ExitCodes.ImportedWithRejects, exitCode);
        var users = Assert.Single(server.Requests).Body.GetProperty("users");
        Assert.Equal(["ada", "bob", null, "carol", "smith, j", "erin"], users.EnumerateArray().Select(u => u.TryGetProperty("external_id", out var e) ? e.GetString() : null));
        Assert.Equal("tablet-7f3e", users[2].GetProperty("device_ids")[0].GetString());
        Assert.Equal(["ada@example.com", "amp-1"], users[0].GetProperty("aliases").EnumerateArray().Select(a => a.GetProperty("alias_name").GetString()));
        var rejects = TestImport.RejectsRows(_directory.File(Path.Combine("imports", "state.rejects.csv")));
        Assert.Equal([noIdentifier, badSyntax], rejects.Select(r => long.Parse(r.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task RunAsync_SomeLinesMalformedOrRejected_ExitsWithThreeAndTheJsonSummaryCountsThem()
    {
        // Arrange
        var api = new FakeUsersApi { Reject = u => u.GetProperty("external_id").GetString() == "u000003" ? "external_id belongs to another user." : null };
        var server = new FakePartnerServer(api.Respond);
        var file = _directory.Write("users.csv", TestImport.Csv(10, line => line == 5 ? "\"x" : null));

        // Act
        var exitCode = await Run(server, [.. Args(file), "--json"]);

        // Assert
        Assert.Equal(ExitCodes.ImportedWithRejects, exitCode);
        using var summary = JsonDocument.Parse(_out.ToString());
        var root = summary.RootElement;
        Assert.True(root.GetProperty("succeeded").GetBoolean());
        Assert.Equal((9, 8, 1, 1, 0), (root.GetProperty("users").GetInt64(), root.GetProperty("created").GetInt64(), root.GetProperty("rejected").GetInt64(), root.GetProperty("malformed").GetInt64(), root.GetProperty("unsent").GetInt64()));
        Assert.Equal(_directory.File("rejects.csv"), root.GetProperty("rejects_file").GetString());
        Assert.Equal(["3,rejected,external_id belongs to another user.", "5,malformed,bad CSV quoting: a quoted field is not closed on its line."], TestImport.RejectsRows(_directory.File("rejects.csv")));
    }

    [Fact]
    public async Task RunAsync_BatchFailsAfterRetries_ExitsWithOneAndTheNextRunResumes()
    {
        // Arrange
        var down = true;
        var api = new FakeUsersApi();
        var server = new FakePartnerServer((request, ct) => down
            ? Task.FromResult(Responses.Message(HttpStatusCode.ServiceUnavailable, "maintenance"))
            : api.Respond(request, ct));
        var file = _directory.Write("users.csv", TestImport.Csv(10));

        // Act
        var failed = await Run(server, [.. Args(file), "--retries", "2"]);
        var failedOutput = _out.ToString();
        down = false;
        var resumed = await Run(server, Args(file));

        // Assert
        Assert.Equal(ExitCodes.SyncFailed, failed);
        Assert.Contains("STOPPED before the end", failedOutput, StringComparison.Ordinal);
        Assert.Contains("failed: batch 1 (lines 2-11) (10 users) after 3 attempts: 503: maintenance", failedOutput, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, resumed);
        Assert.Contains("done (resumed)", _out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ExitsWith130()
    {
        // Arrange: the request never gets an answer; the run is cancelled while it waits.
        using var cancel = new CancellationTokenSource();
        var server = new FakePartnerServer(async (request, ct) =>
        {
            await cancel.CancelAsync();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("not reached");
        });
        var file = _directory.Write("users.csv", TestImport.Csv(10));

        // Act
        var exitCode = await Run(server, Args(file), cancellationToken: cancel.Token);

        // Assert
        Assert.Equal(ExitCodes.Cancelled, exitCode);
        Assert.Contains("cancelled (run the same command again to resume)", _out.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--workspace", null, "--workspace")]
    [InlineData("--workspace", "Acme Corp", "not a workspace id")]
    [InlineData("--mapping", "email", "not a user mapping entry")]
    [InlineData("--mapping", "external_id:uid", "no column 'uid'")]
    [InlineData("--batch-size", "1001", "batch size")]
    [InlineData("--format", "xml", "xml")]
    [InlineData("--endpoint", "not a url", "not an absolute URL")]
    [InlineData("--file", "missing.csv", "Cannot read user file")]
    [InlineData("--file", "users.txt", "--format csv or --format ndjson")]
    public async Task RunAsync_UsageError_ExitsWithTwoAndSendsNothing(string option, string? value, string expected)
    {
        // Arrange
        var server = new FakePartnerServer(new FakeUsersApi().Respond);
        var file = _directory.Write("users.csv", TestImport.Csv(3));
        _directory.Write("users.txt", TestImport.Csv(3));
        var args = ReplaceOption(Args(file), option, value is "missing.csv" or "users.txt" ? _directory.File(value) : value);

        // Act
        var exitCode = await Run(server, args);

        // Assert
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Empty(server.Requests);
        Assert.Contains(expected, _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StateOfAnUnfinishedImportToAnotherWorkspace_IsAUsageError()
    {
        // Arrange
        var server = new FakePartnerServer((request, ct) => Task.FromResult(Responses.Message(HttpStatusCode.ServiceUnavailable, "down")));
        var file = _directory.Write("users.csv", TestImport.Csv(3));
        await Run(server, [.. Args(file), "--retries", "0"]);
        var sent = server.Requests.Count;

        // Act
        var exitCode = await Run(server, ReplaceOption(Args(file), "--workspace", "other"));

        // Assert
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal(sent, server.Requests.Count);
        Assert.Contains("holds an unfinished import of workspace 'acme'", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NotATerminal_PrintsPlainProgressLines()
    {
        // Arrange
        var server = new FakePartnerServer(new FakeUsersApi().Respond);
        var file = _directory.Write("users.csv", TestImport.Csv(500));

        // Act
        var exitCode = await Run(server, [.. Args(file), "--batch-size", "100", "--parallelism", "1", "--progress-interval", "0"]);

        // Assert
        Assert.Equal(ExitCodes.Success, exitCode);
        var error = _error.ToString();
        Assert.DoesNotContain('\r', error);
        Assert.DoesNotContain("\u001b", error, StringComparison.Ordinal);
        var lines = error.Split('\n').Where(l => l.StartsWith("progress: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, lines.Count);
        Assert.Matches(ProgressLine(), lines[0]);
        Assert.StartsWith("progress: 101/501 lines (20%), created 100, updated 0, rejected 0, malformed 0, ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("progress: 501/501 lines (100%), created 500,", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Terminal_RedrawsOneBarInPlaceWithinTheWidth()
    {
        // Arrange
        var server = new FakePartnerServer(new FakeUsersApi().Respond);
        var file = _directory.Write("users.csv", TestImport.Csv(500));

        // Act
        var exitCode = await Run(server, [.. Args(file), "--batch-size", "100"], terminal: true);

        // Assert: every frame starts with a carriage return and clears the rest of the line; the last is full.
        Assert.Equal(ExitCodes.Success, exitCode);
        var error = _error.ToString();
        Assert.DoesNotContain("progress: ", error, StringComparison.Ordinal);
        var frames = error.Split('\r', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(f => f.TrimEnd('\n')).ToList();
        Assert.NotEmpty(frames);
        Assert.All(frames, f => Assert.EndsWith("\u001b[K", f, StringComparison.Ordinal));
        Assert.All(frames, f => Assert.True(f.Length - 3 < 80, f));
        Assert.StartsWith("[########################] 100% 501/501 lines", frames[^1], StringComparison.Ordinal);
        Assert.EndsWith("\u001b[K\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_FunctionKeyFromTheEnvironment_IsSentAndNeverPrinted()
    {
        // Arrange: the server echoes the key in its error message.
        var server = new FakePartnerServer((request, ct) => Task.FromResult(Responses.Message(HttpStatusCode.Unauthorized, $"bad key {TestImport.FunctionKey}")));
        var file = _directory.Write("users.csv", TestImport.Csv(3));
        var args = ReplaceOption(Args(file), "--function-key", null);

        // Act
        var exitCode = await Run(server, args, new Dictionary<string, string> { [CliEnvironment.FunctionKeyVariable] = TestImport.FunctionKey });

        // Assert
        Assert.Equal(ExitCodes.SyncFailed, exitCode);
        Assert.Equal(TestImport.FunctionKey, Assert.Single(server.Requests).FunctionKey);
        var output = _out.ToString() + _error.ToString() + await File.ReadAllTextAsync(_directory.File("state.json"));
        Assert.Contains("401: bad key [function key]", output, StringComparison.Ordinal);
        Assert.DoesNotContain(TestImport.FunctionKey, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Help_DescribesTheMappingAndSendsNothing()
    {
        // Arrange
        var server = new FakePartnerServer();

        // Act
        var exitCode = await Run(server, ["users", "--help"]);

        // Assert
        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("external_id[:column], device_id[:column], alias:column[=label]", _out.ToString(), StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    private async Task<int> Run(
        FakePartnerServer server,
        string[] args,
        IReadOnlyDictionary<string, string>? variables = null,
        bool terminal = false,
        CancellationToken cancellationToken = default)
    {
        _out.GetStringBuilder().Clear();
        _error.GetStringBuilder().Clear();
        var environment = new CliEnvironment(_out, _error, name => variables?.GetValueOrDefault(name), server, TimeProvider.System)
        {
            ErrorIsTerminal = terminal,
            TerminalWidth = () => 80,
        };
        return await CohortSyncCli.RunAsync(args, environment, cancellationToken);
    }

    private string[] Args(string file) =>
    [
        "users",
        "--file", file,
        "--endpoint", TestSync.Endpoint.AbsoluteUri,
        "--workspace", TestImport.Workspace,
        "--function-key", TestImport.FunctionKey,
        "--mapping", "external_id",
        "--state", _directory.File("state.json"),
        "--rejects", _directory.File("rejects.csv"),
        "--retry-delay", "1ms",
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

    [GeneratedRegex(@"^progress: [\d,]+/[\d,]+ lines \(\d+%\), created [\d,]+, updated [\d,]+, rejected [\d,]+, malformed [\d,]+, [\d,]+ users/s, [\d,]+ retries(, ETA \S+)?$")]
    private static partial Regex ProgressLine();
}
