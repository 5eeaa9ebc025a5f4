using System.Net;
using CohortFunctions.CohortSync.Import;
using CohortFunctions.CohortSyncTests.Fakes;
using CohortFunctions.Users;

namespace CohortFunctions.CohortSyncTests.Import;

public sealed class UserImportEngineTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ImportAsync_2500Users_SendsBatchesOfAtMost1000FourInParallelWithTheFunctionKey()
    {
        // Arrange: 8 batches of 400, so that four can be seen in flight together.
        var api = new FakeUsersApi();
        var server = new FakePartnerServer(api.Respond) { HoldUntilConcurrent = 4 };
        var file = _directory.Write("users.csv", TestImport.Csv(3200));

        // Act
        var summary = await TestImport.Engine(server, TestImport.Options(file, _directory, batchSize: 400)).ImportAsync();

        // Assert
        Assert.True(summary.Succeeded);
        Assert.Equal((3201L, 3201L, 3200L, 3200L, 0L, 0L, 0L, 0L, 8L), (summary.Lines, summary.LinesDone, summary.Users, summary.Created, summary.Updated, summary.Rejected, summary.Malformed, summary.Unsent, summary.Batches));
        Assert.Equal(4, server.MaxInFlight);
        Assert.All(server.Requests, r => Assert.Equal(("/manage/workspaces/acme/users", TestImport.FunctionKey), (r.Path, r.FunctionKey)));
        Assert.All(server.Requests, r => Assert.Equal(400, r.Body.GetProperty("users").GetArrayLength()));
        Assert.Equal(Enumerable.Range(2, 3200).Select(i => (long)i), TestImport.Lines(server.Requests).Order());
        Assert.All(api.Applied.Values, count => Assert.Equal(1, count));
        Assert.Empty(TestImport.RejectsRows(summary.RejectsFile));
    }

    [Fact]
    public async Task ImportAsync_EveryIdentifierKind_SendsEntriesTheAppParsesAsWritten()
    {
        // Arrange
        var api = new FakeUsersApi();
        var server = new FakePartnerServer(api.Respond);
        var file = _directory.Write("users.csv", "user_id,device,email\nada,D-1,ada@example.com\n,D-2,\nbob,,b@example.com\n\"😀 \"\"q\"\"\",,\n");

        // Act
        var summary = await TestImport.Engine(server, TestImport.Options(file, _directory, "external_id:user_id,device_id:device,alias:email")).ImportAsync();

        // Assert
        Assert.True(summary.Succeeded);
        var parsed = UpsertUsersRequest.Parse(Assert.Single(server.Requests).Body);
        Assert.Null(parsed.Failure);
        var users = parsed.Value!.Select(u => u.Value!).ToList();
        Assert.Equal(["ada", null, "bob", "😀 \"q\""], users.Select(u => u.ExternalId));
        Assert.Equal([["D-1"], ["D-2"], [], []], users.Select(u => u.DeviceIds));
        Assert.Equal(["email=ada@example.com", "", "email=b@example.com", ""], users.Select(u => string.Join(";", u.Aliases.Select(a => $"{a.AliasLabel}={a.AliasName}"))));
    }

    [Fact]
    public async Task ImportAsync_RejectedAndMalformedLines_GoToTheRejectsFileWithLineNumbersAndNeverHalfApplied()
    {
        // Arrange: the API rejects u000004 and u001500; lines 6 and 1200 are malformed and must never be sent.
        var api = new FakeUsersApi { Reject = u => u.GetProperty("external_id").GetString() is "u000004" or "u001500" ? "aliases[0] belongs to another user." : null };
        var server = new FakePartnerServer(api.Respond);
        var file = _directory.Write("users.csv", TestImport.Csv(2000, line => line switch { 6 => "\"broken", 1200 => $"\"{new string('x', 1025)}\"", _ => null }));

        // Act
        var summary = await TestImport.Engine(server, TestImport.Options(file, _directory)).ImportAsync();

        // Assert
        Assert.True(summary.Succeeded);
        Assert.Equal((1998L, 1996L, 0L, 2L, 2L), (summary.Users, summary.Created, summary.Updated, summary.Rejected, summary.Malformed));
        Assert.Equal(summary.Users, summary.Created + summary.Updated + summary.Rejected + summary.Unsent);
        Assert.DoesNotContain(6L, TestImport.Lines(server.Requests));
        Assert.DoesNotContain(1200L, TestImport.Lines(server.Requests));
        Assert.Equal(
            [
                "4,rejected,aliases[0] belongs to another user.",
                "6,malformed,bad CSV quoting: a quoted field is not closed on its line.",
                "1200,malformed,\"column 'external_id' is longer than 1,024 characters.\"",
                "1500,rejected,aliases[0] belongs to another user.",
            ],
            TestImport.RejectsRows(summary.RejectsFile).Order(StringComparer.Ordinal).OrderBy(r => long.Parse(r.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("line,kind,message", File.ReadLines(summary.RejectsFile).First());
    }

    [Fact]
    public async Task ImportAsync_503ThenSuccess_RetriesWithBackoffAndAppliesEachUserOnce()
    {
        // Arrange: each request is answered 503 twice before it succeeds.
        var api = new FakeUsersApi();
        var attempts = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var server = new FakePartnerServer((request, ct) =>
            attempts.AddOrUpdate(FakeUsersApi.ExternalIds(request)[0], 1, (_, n) => n + 1) <= 2
                ? Task.FromResult(Responses.Message(HttpStatusCode.ServiceUnavailable, "storage is busy"))
                : api.Respond(request, ct));
        var time = new RecordingTimeProvider();
        var file = _directory.Write("users.csv", TestImport.Csv(1500));

        // Act
        var summary = await TestImport.Engine(server, TestImport.Options(file, _directory, parallelism: 1), time: time).ImportAsync();

        // Assert
        Assert.True(summary.Succeeded);
        Assert.Equal((4, 1500L, 6), (summary.Retried, summary.Created, server.Requests.Count));
        Assert.Equal([TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2)], time.Delays);
        Assert.All(api.Applied.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task ImportAsync_FirstAttemptTimesOut_RetriesTheBatch()
    {
        // Arrange: the first attempt gets no answer; the client gives up on it after 200 ms.
        var api = new FakeUsersApi();
        var calls = 0;
        var server = new FakePartnerServer(async (request, ct) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            return await api.Respond(request, ct);
        });
        var file = _directory.Write("users.csv", TestImport.Csv(10));

        // Act
        var summary = await TestImport.Engine(server, TestImport.Options(file, _directory, requestTimeout: TimeSpan.FromMilliseconds(200))).ImportAsync();

        // Assert
        Assert.True(summary.Succeeded);
        Assert.Equal((1, 10L, 2), (summary.Retried, summary.Created, server.Requests.Count));
    }

    [Fact]
    public async Task ImportAsync_BatchFailsFinally_StopsAndTheNextRunSendsOnlyWhatWasNotAcknowledged()
    {
        // Arrange: 10 batches of 100; the third is refused (a 4xx is final) in the first run only.
        var api = new FakeUsersApi();
        var refuse = true;
        var first = new FakePartnerServer((request, ct) =>
            refuse && FakeUsersApi.ExternalIds(request)[0] == TestImport.Id(202)
                ? Task.FromResult(Responses.Message(HttpStatusCode.BadRequest, "refused for the test"))
                : api.Respond(request, ct));
        var file = _directory.Write("users.csv", TestImport.Csv(1000));
        var options = TestImport.Options(file, _directory, batchSize: 100, parallelism: 2);

        // Act
        var failed = await TestImport.Engine(first, options).ImportAsync();
        var acknowledgedFirst = TestImport.Lines(first.Requests.Where(r => !FakeUsersApi.ExternalIds(r).Contains(TestImport.Id(202))));
        refuse = false;
        var second = new FakePartnerServer(api.Respond);
        var resumed = await TestImport.Engine(second, options).ImportAsync();

        // Assert: the first run stopped early, and the second sent exactly what the first had not had acknowledged.
        Assert.False(failed.Succeeded);
        var failure = Assert.Single(failed.Failures);
        Assert.Equal(("batch 3 (lines 202-301)", 100, 400, "refused for the test", 1), (failure.Request, failure.Users, failure.StatusCode, failure.Message, failure.Attempts));
        Assert.True(first.Requests.Count < 10, $"{first.Requests.Count} requests: the run did not stop");
        Assert.True(resumed.Succeeded);
        Assert.True(resumed.Resumed);
        var sentSecond = TestImport.Lines(second.Requests);
        Assert.Empty(sentSecond.Intersect(acknowledgedFirst));
        Assert.Equal(Enumerable.Range(2, 1000).Select(i => (long)i), acknowledgedFirst.Concat(sentSecond).Order());
        Assert.Equal((1000L, 1000L, 0L), (resumed.Users, resumed.Created, resumed.Unsent));
        Assert.All(api.Applied.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task ImportAsync_Cancelled_ReportsItAndTheNextRunResumesAfterTheAcknowledgedBatches()
    {
        // Arrange: cancel once the second batch has been answered.
        var api = new FakeUsersApi();
        using var cancel = new CancellationTokenSource();
        var server = new FakePartnerServer(async (request, ct) =>
        {
            var response = await api.Respond(request, ct);
            if (request.Number == 2)
            {
                await cancel.CancelAsync();
            }

            return response;
        });
        var file = _directory.Write("users.csv", TestImport.Csv(1000));
        var options = TestImport.Options(file, _directory, batchSize: 100, parallelism: 1);

        // Act
        var cancelled = await TestImport.Engine(server, options).ImportAsync(cancel.Token);
        var before = server.Requests.Count;
        var resumed = await TestImport.Engine(server, options).ImportAsync();

        // Assert
        Assert.True(cancelled.Cancelled);
        Assert.False(cancelled.Succeeded);
        Assert.True(resumed.Succeeded);
        Assert.Equal(1000L, resumed.Created + resumed.Updated);
        Assert.Equal(Enumerable.Range(2, 1000).Select(i => (long)i), TestImport.Lines(server.Requests).Distinct().Order());

        // At most the batch in flight when the run was cancelled is sent twice (and counted as updated then).
        Assert.InRange(TestImport.Lines(server.Requests).Count - 1000, 0, 100);
        Assert.InRange(resumed.Updated, 0, 100);
        Assert.True(server.Requests.Count - before <= 9);
    }

    [Fact]
    public async Task ImportAsync_RejectsFileLongerThanTheState_IsCutBackSoNoLineIsReportedTwice()
    {
        // Arrange: a run stops after line 3 was reported; then, as if a crash hit between the two writes, the rejects
        // file holds a row the state does not know.
        var refuse = true;
        var api = new FakeUsersApi();
        var server = new FakePartnerServer((request, ct) =>
            refuse && FakeUsersApi.ExternalIds(request).Contains(TestImport.Id(20))
                ? Task.FromResult(Responses.Message(HttpStatusCode.BadRequest, "refused"))
                : api.Respond(request, ct));
        var file = _directory.Write("users.csv", TestImport.Csv(30, line => line is 3 or 15 ? "\"bad" : null));
        var options = TestImport.Options(file, _directory, batchSize: 10, parallelism: 1);
        var stopped = await TestImport.Engine(server, options).ImportAsync();
        await File.AppendAllTextAsync(stopped.RejectsFile, "15,malformed,bad CSV quoting: a quoted field is not closed on its line.\r\n");
        refuse = false;

        // Act
        var resumed = await TestImport.Engine(server, options).ImportAsync();

        // Assert
        Assert.False(stopped.Succeeded);
        Assert.True(resumed.Succeeded);
        Assert.Equal(["3,malformed,bad CSV quoting: a quoted field is not closed on its line.", "15,malformed,bad CSV quoting: a quoted field is not closed on its line."], TestImport.RejectsRows(resumed.RejectsFile));
        Assert.Equal(2L, resumed.Malformed);
    }

    [Fact]
    public async Task ImportAsync_AnswerThatDoesNotAccountForEveryUser_IsNotAnAcknowledgment()
    {
        // Arrange
        var server = new FakePartnerServer((request, ct) => Task.FromResult(Responses.Json(HttpStatusCode.OK, new { created = 1, updated = 0, errors = Array.Empty<object>() })));
        var file = _directory.Write("users.csv", TestImport.Csv(5));

        // Act
        var summary = await TestImport.Engine(server, TestImport.Options(file, _directory)).ImportAsync();

        // Assert
        Assert.False(summary.Succeeded);
        Assert.Equal((5L, 0L, 5L), (summary.Users, summary.Created, summary.Unsent));
        Assert.Contains("does not account for the 5 users", Assert.Single(summary.Failures).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrepareAsync_CompletedImportOfTheSameFile_SendsNothingAndRestartSendsItAgain()
    {
        // Arrange
        var api = new FakeUsersApi();
        var server = new FakePartnerServer(api.Respond);
        var file = _directory.Write("users.csv", TestImport.Csv(20));
        var options = TestImport.Options(file, _directory);
        var first = await TestImport.Engine(server, options).ImportAsync();

        // Act
        var again = await TestImport.Engine(server, options).ImportAsync();
        var afterAgain = server.Requests.Count;
        var restarted = await TestImport.Engine(server, TestImport.Options(file, _directory, restart: true)).ImportAsync();

        // Assert
        Assert.True(first.Succeeded);
        Assert.True(again.Succeeded);
        Assert.Equal((20L, 20L), (again.Users, again.Created));
        Assert.Contains("imported completely", again.Note, StringComparison.Ordinal);
        Assert.Equal(1, afterAgain);
        Assert.True(restarted.Succeeded);
        Assert.Equal((20L, 0L, 20L), (restarted.Users, restarted.Created, restarted.Updated));
    }

    [Fact]
    public async Task PrepareAsync_UnfinishedImportOfAnotherVersionOfTheFile_IsAUsageErrorUnlessRestarted()
    {
        // Arrange: an import that stopped, then the file changed.
        var server = new FakePartnerServer((request, ct) => Task.FromResult(Responses.Message(HttpStatusCode.ServiceUnavailable, "down")));
        var file = _directory.Write("users.csv", TestImport.Csv(20));
        var stopped = await TestImport.Engine(server, TestImport.Options(file, _directory, maxRetries: 0)).ImportAsync();
        await File.AppendAllTextAsync(file, "u999999\n");

        // Act
        var error = await Assert.ThrowsAsync<UserFileException>(() => TestImport.Engine(server, TestImport.Options(file, _directory)).PrepareAsync());
        var restarted = await TestImport.Engine(server, TestImport.Options(file, _directory, restart: true)).PrepareAsync();

        // Assert
        Assert.False(stopped.Succeeded);
        Assert.Contains("unfinished import of this file as it was before it changed", error.Message, StringComparison.Ordinal);
        Assert.Contains("--restart", error.Message, StringComparison.Ordinal);
        Assert.False(restarted.Resumed);
        Assert.Equal(22, restarted.Lines);
    }

    [Fact]
    public async Task ImportAsync_Progress_IsReportedAfterEveryBatchWithTheWholeImportsCounts()
    {
        // Arrange
        var api = new FakeUsersApi();
        var server = new FakePartnerServer(api.Respond);
        var file = _directory.Write("users.csv", TestImport.Csv(500, line => line == 100 ? "\"bad" : null));
        var reports = new System.Collections.Concurrent.ConcurrentQueue<UserImportProgress>();

        // Act
        await TestImport.Engine(server, TestImport.Options(file, _directory, batchSize: 100, parallelism: 1), reports.Enqueue).ImportAsync();

        // Assert: the start, then one per batch, lines and counts rising to the end.
        var list = reports.ToList();
        Assert.Equal(6, list.Count);
        Assert.Equal((0L, 1L, 501L), (list[0].UsersThisRun, list[0].LinesDone, list[0].LinesTotal));
        Assert.Equal((499L, 1L, 501L), (list[^1].Created, list[^1].Malformed, list[^1].LinesDone));
        Assert.Equal(list.Select(p => p.LinesDone).Order(), list.Select(p => p.LinesDone));
    }
}
