using System.Net;
using CohortFunctions.CohortSync.Members;
using CohortFunctions.CohortSync.State;
using CohortFunctions.CohortSync.Sync;
using CohortFunctions.CohortSyncTests.Fakes;
using CohortFunctions.Postbacks;

namespace CohortFunctions.CohortSyncTests;

public sealed class CohortSyncEngineTests
{
    private static readonly MemberIdentifier Alice = MemberIdentifier.UserId("alice");
    private static readonly MemberIdentifier Bob = MemberIdentifier.UserId("bob");
    private static readonly MemberIdentifier Device = MemberIdentifier.DeviceId("D-1");
    private static readonly MemberIdentifier Carol = MemberIdentifier.Alias("email", "carol@example.com");

    [Fact]
    public async Task SyncAsync_FirstSync_SendsNameCallThenWholeCohortAsAdds()
    {
        // Arrange
        var server = new FakePartnerServer();
        var engine = TestSync.Engine(server);

        // Act
        var summary = await engine.SyncAsync(TestSync.Of(Alice, Device, Carol));

        // Assert
        Assert.True(summary.Succeeded);
        Assert.True(summary.FirstSync);
        Assert.True(summary.NameSent);
        var requests = server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal("/partners/amplitude/cohorts", requests[0].Path);
        Assert.Equal("Power users", requests[0].Body.GetProperty("name").GetString());
        Assert.Equal("cohort-1", requests[0].Body.GetProperty("cohort_id").GetString());
        Assert.Equal("/partners/amplitude/cohorts/users", requests[1].Path);
        Assert.Equal(["user_id=alice", "device_id=D-1", "alias:email=carol@example.com"], requests[1].Ids(remove: false));
        Assert.Empty(requests[1].Ids(remove: true));
    }

    [Fact]
    public async Task SyncAsync_RequestBodies_AreAcceptedByTheAppsParsers()
    {
        // Arrange
        var server = new FakePartnerServer();
        var state = new InMemorySyncStateStore();
        await TestSync.Engine(server, state).SyncAsync(TestSync.Of(Alice, Bob, Device));

        // Act
        await TestSync.Engine(server, state).SyncAsync(TestSync.Of(Alice, Carol));

        // Assert
        var name = CohortNameRequest.Parse(server.Requests[0].Body);
        Assert.Null(name.Failure);
        Assert.Equal("Power users", name.Value!.Name);
        Assert.Equal(TestSync.PartnerApiKey, PartnerCredentials.From(server.Requests[0].Body).PartnerApiKey);
        Assert.Equal(TestSync.DataImportKey, PartnerCredentials.From(server.Requests[0].Body).ClientSecret);
        var delta = CohortChangesRequest.Parse(server.UsersCalls[^1].Body);
        Assert.Null(delta.Failure);
        var changes = delta.Value!.Changes;
        Assert.Equal(2, changes.Count);
        Assert.False(changes[0].ShouldRemove);
        Assert.Equal("carol@example.com", Assert.Single(changes[0].Aliases).AliasName);
        Assert.True(changes[1].ShouldRemove);
        Assert.Equal(["bob"], changes[1].UserIds);
        Assert.Equal(["D-1"], changes[1].DeviceIds);
    }

    [Fact]
    public async Task SyncAsync_SecondSync_SendsOnlyWhoEnteredAsAddsAndWhoLeftAsRemoves()
    {
        // Arrange
        var server = new FakePartnerServer();
        var state = new InMemorySyncStateStore();
        await TestSync.Engine(server, state).SyncAsync(TestSync.Of(Alice, Bob, Device));
        var before = server.Requests.Count;

        // Act
        var summary = await TestSync.Engine(server, state).SyncAsync(TestSync.Of(Alice, Carol));

        // Assert
        Assert.True(summary.Succeeded);
        Assert.False(summary.FirstSync);
        Assert.False(summary.NameSent);
        var delta = Assert.Single(server.Requests.Skip(before));
        Assert.True(delta.IsUsersCall);
        Assert.Equal(["alias:email=carol@example.com"], delta.Ids(remove: false));
        Assert.Equal(["user_id=bob", "device_id=D-1"], delta.Ids(remove: true));
        Assert.Equal((1, 2), (summary.ToAdd, summary.ToRemove));
    }

    [Fact]
    public async Task SyncAsync_Unchanged_SendsNothingAndSucceeds()
    {
        // Arrange
        var server = new FakePartnerServer();
        var state = new InMemorySyncStateStore();
        await TestSync.Engine(server, state).SyncAsync(TestSync.Of(Alice, Bob));
        var before = server.Requests.Count;

        // Act
        var summary = await TestSync.Engine(server, state).SyncAsync(TestSync.Of(Bob, Alice));

        // Assert
        Assert.True(summary.Succeeded);
        Assert.Equal(before, server.Requests.Count);
        Assert.Equal((0, 0, 0), (summary.Batches, summary.ToAdd, summary.ToRemove));
    }

    [Fact]
    public async Task SyncAsync_NameChanged_SendsTheNameCallAgainBeforeTheDelta()
    {
        // Arrange
        var server = new FakePartnerServer();
        var state = new InMemorySyncStateStore();
        await TestSync.Engine(server, state).SyncAsync(TestSync.Of(Alice));
        var before = server.Requests.Count;

        // Act
        var summary = await TestSync.Engine(server, state, TestSync.Options(name: "Super users")).SyncAsync(TestSync.Of(Alice, Bob));

        // Assert
        Assert.True(summary.NameSent);
        var requests = server.Requests.Skip(before).ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal("Super users", requests[0].Body.GetProperty("name").GetString());
        Assert.Equal(["user_id=bob"], requests[1].Ids(remove: false));
        Assert.Equal("Super users", state.Current!.CohortName);
    }

    [Fact]
    public async Task SyncAsync_LargeCohort_SendsBatchesOfAtMostBatchSizeCoveringEveryMemberOnce()
    {
        // Arrange
        var server = new FakePartnerServer();
        var state = new InMemorySyncStateStore();
        await TestSync.Engine(server, state).SyncAsync(TestSync.Users(1500, "old"));
        var before = server.UsersCalls.Count;
        var next = CohortSnapshot.FromIdentifiers(TestSync.Users(2500, "new").Members.Concat(TestSync.Users(900, "old").Members));

        // Act
        var summary = await TestSync.Engine(server, state).SyncAsync(next);

        // Assert
        var batches = server.UsersCalls.Skip(before).ToList();
        Assert.Equal(4, batches.Count);
        Assert.All(batches, b => Assert.InRange(b.IdCount, 1, PartnerMessages.MaxIdsPerRequest));
        Assert.All(batches, b => Assert.Null(CohortChangesRequest.Parse(b.Body).Failure));
        var added = batches.SelectMany(b => b.Ids(remove: false)).ToList();
        var removed = batches.SelectMany(b => b.Ids(remove: true)).ToList();
        Assert.Equal(2500, added.Distinct().Count());
        Assert.Equal(2500, added.Count);
        Assert.All(added, id => Assert.StartsWith("user_id=new", id, StringComparison.Ordinal));
        Assert.Equal(600, removed.Distinct().Count());
        Assert.Equal(600, removed.Count);
        Assert.Equal((2500, 600, 4), (summary.ToAdd, summary.ToRemove, summary.Batches));
    }

    [Fact]
    public async Task SyncAsync_BatchFails_DoesNotSaveStateAndNextSyncSendsTheSameChangesAgain()
    {
        // Arrange
        var failing = true;
        var server = new FakePartnerServer((request, ct) =>
            failing && request.IsUsersCall && request.Ids(false).Contains("user_id=u01500")
                ? Task.FromResult(Responses.Message(HttpStatusCode.BadRequest, "rejected"))
                : Responses.LikeTheApp(request, ct));
        var state = new InMemorySyncStateStore();
        var cohort = TestSync.Users(2000);

        // Act
        var failed = await TestSync.Engine(server, state, TestSync.Options(batchSize: 1000)).SyncAsync(cohort);
        failing = false;
        var before = server.Requests.Count;
        var retried = await TestSync.Engine(server, state, TestSync.Options(batchSize: 1000)).SyncAsync(cohort);

        // Assert
        Assert.False(failed.Succeeded);
        Assert.Equal((1, 1000L, 1000L), (failed.FailedBatches, failed.FailedIds, failed.Sent));
        Assert.Equal("batch 2", Assert.Single(failed.Failures).Request);
        Assert.True(retried.Succeeded);
        Assert.True(retried.FirstSync);
        Assert.Equal(3, server.Requests.Count - before);
        Assert.Equal(1, state.Saves);
        Assert.Equal(2000, state.Current!.Members.Count);
    }

    [Fact]
    public async Task SyncAsync_NameCallFails_SendsNoUsersAndSavesNoState()
    {
        // Arrange
        var server = new FakePartnerServer((request, ct) =>
            Task.FromResult(Responses.Message(HttpStatusCode.BadRequest, PartnerMessages.InvalidName)));
        var state = new InMemorySyncStateStore();

        // Act
        var summary = await TestSync.Engine(server, state).SyncAsync(TestSync.Of(Alice, Bob));

        // Assert
        Assert.False(summary.Succeeded);
        Assert.False(summary.NameSent);
        var failure = Assert.Single(summary.Failures);
        Assert.Equal(("cohort name", 400, PartnerMessages.InvalidName), (failure.Request, failure.StatusCode, failure.Message));
        Assert.Empty(server.UsersCalls);
        Assert.Equal(2, summary.UnsentIds);
        Assert.Null(state.Current);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task SyncAsync_TransientFailureThenSuccess_RetriesAndSucceeds(HttpStatusCode status)
    {
        // Arrange
        var attempts = 0;
        var server = new FakePartnerServer((request, ct) =>
            request.IsUsersCall && Interlocked.Increment(ref attempts) <= 2
                ? Task.FromResult(Responses.Message(status, "try later"))
                : Responses.LikeTheApp(request, ct));

        // Act
        var summary = await TestSync.Engine(server).SyncAsync(TestSync.Of(Alice));

        // Assert
        Assert.True(summary.Succeeded);
        Assert.Equal(2, summary.Retried);
        Assert.Equal(3, server.UsersCalls.Count);
        Assert.Equal(1, summary.Sent);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task SyncAsync_TransientFailureEveryTime_RetriesEightTimesThenReportsTheFailure(HttpStatusCode status)
    {
        // Arrange
        var server = new FakePartnerServer((request, ct) =>
            Task.FromResult(request.IsUsersCall ? Responses.Message(status, "still down") : Responses.Message(HttpStatusCode.Created, "success")));
        var state = new InMemorySyncStateStore();

        // Act
        var summary = await TestSync.Engine(server, state).SyncAsync(TestSync.Of(Alice, Bob));

        // Assert
        Assert.False(summary.Succeeded);
        Assert.Equal(9, server.UsersCalls.Count);
        Assert.Equal(8, summary.Retried);
        var failure = Assert.Single(summary.Failures);
        Assert.Equal((9, (int)status, "still down", 2), (failure.Attempts, failure.StatusCode, failure.Message, failure.Ids));
        Assert.Null(state.Current);
    }

    [Fact]
    public async Task SyncAsync_RequestTimesOut_RetriesIt()
    {
        // Arrange
        var attempts = 0;
        var server = new FakePartnerServer(async (request, ct) =>
        {
            if (request.IsUsersCall && Interlocked.Increment(ref attempts) == 1)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            return await Responses.LikeTheApp(request, ct);
        });
        var options = TestSync.Options(requestTimeout: TimeSpan.FromMilliseconds(100));

        // Act
        var summary = await TestSync.Engine(server, options: options).SyncAsync(TestSync.Of(Alice));

        // Assert
        Assert.True(summary.Succeeded);
        Assert.Equal(1, summary.Retried);
        Assert.Equal(2, server.UsersCalls.Count);
    }

    [Fact]
    public async Task SyncAsync_RequestAlwaysTimesOut_ReportsAFailureWithoutStatus()
    {
        // Arrange
        var server = new FakePartnerServer(async (request, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return Responses.Message(HttpStatusCode.Created, "success");
        });
        var options = TestSync.Options(maxRetries: 2, requestTimeout: TimeSpan.FromMilliseconds(50));

        // Act
        var summary = await TestSync.Engine(server, options: options).SyncAsync(TestSync.Of(Alice));

        // Assert
        var failure = Assert.Single(summary.Failures);
        Assert.Equal(("cohort name", 3, (int?)null), (failure.Request, failure.Attempts, failure.StatusCode));
        Assert.Contains("no answer", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, PartnerMessages.TooManyIds)]
    [InlineData(HttpStatusCode.Unauthorized, PartnerMessages.InvalidClientSecret)]
    public async Task SyncAsync_ClientError_IsNotRetriedAndReportsTheServersMessage(HttpStatusCode status, string message)
    {
        // Arrange
        var server = new FakePartnerServer((request, ct) =>
            request.IsUsersCall ? Task.FromResult(Responses.Message(status, message)) : Responses.LikeTheApp(request, ct));

        // Act
        var summary = await TestSync.Engine(server).SyncAsync(TestSync.Of(Alice));

        // Assert
        Assert.False(summary.Succeeded);
        Assert.Equal(0, summary.Retried);
        Assert.Single(server.UsersCalls);
        var failure = Assert.Single(summary.Failures);
        Assert.Equal(((int)status, message, 1), (failure.StatusCode, failure.Message, failure.Attempts));
    }

    [Fact]
    public async Task SyncAsync_ServerEchoesTheSecret_FailureMessageHasNeitherKey()
    {
        // Arrange: Braze's 401 names the client secret in full.
        var server = new FakePartnerServer((request, ct) => Task.FromResult(Responses.Message(
            HttpStatusCode.Unauthorized, PartnerMessages.PartnerNotEnabledPrefix + TestSync.DataImportKey + " / " + TestSync.PartnerApiKey)));

        // Act
        var summary = await TestSync.Engine(server).SyncAsync(TestSync.Of(Alice));

        // Assert
        var message = Assert.Single(summary.Failures).Message;
        Assert.DoesNotContain(TestSync.DataImportKey, message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestSync.PartnerApiKey, message, StringComparison.Ordinal);
        Assert.StartsWith(PartnerMessages.PartnerNotEnabledPrefix + "[data import key]", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyncAsync_RepeatedFailures_WaitsDoubleEachTimeFromTheBaseDelay()
    {
        // Arrange
        var time = new RecordingTimeProvider();
        var server = new FakePartnerServer((request, ct) => Task.FromResult(Responses.Message(HttpStatusCode.ServiceUnavailable, "down")));
        var options = TestSync.Options(retryBaseDelay: TimeSpan.FromSeconds(1));

        // Act
        var summary = await TestSync.Engine(server, options: options, time: time).SyncAsync(TestSync.Of(Alice));

        // Assert
        Assert.False(summary.Succeeded);
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128], time.Delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task SyncAsync_TooManyRequestsWithRetryAfter_WaitsWhatTheServerAsks()
    {
        // Arrange
        var time = new RecordingTimeProvider();
        var attempts = 0;
        var server = new FakePartnerServer((request, ct) =>
        {
            if (Interlocked.Increment(ref attempts) > 1)
            {
                return Responses.LikeTheApp(request, ct);
            }

            var response = Responses.Message(HttpStatusCode.TooManyRequests, "Over rate limit");
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return Task.FromResult(response);
        });

        // Act
        var summary = await TestSync.Engine(server, time: time).SyncAsync(TestSync.Of(Alice));

        // Assert
        Assert.True(summary.Succeeded);
        Assert.Equal([TimeSpan.FromSeconds(7)], time.Delays);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task SyncAsync_ManyBatches_KeepsAtMostParallelismRequestsInFlight(int parallelism)
    {
        // Arrange
        var server = new FakePartnerServer { HoldUntilConcurrent = parallelism };
        var options = TestSync.Options(batchSize: 10, parallelism: parallelism);

        // Act
        var summary = await TestSync.Engine(server, options: options).SyncAsync(TestSync.Users(120));

        // Assert
        Assert.True(summary.Succeeded);
        Assert.Equal(12, summary.Batches);
        Assert.Equal(parallelism, server.MaxInFlight);
    }

    [Fact]
    public async Task SyncAsync_AppReportsCounts_SummaryNumbersAddUp()
    {
        // Arrange
        var server = new FakePartnerServer();
        var state = new InMemorySyncStateStore();
        await TestSync.Engine(server, state).SyncAsync(TestSync.Users(700, "a"));
        var next = CohortSnapshot.FromIdentifiers(TestSync.Users(500, "a").Members.Concat(TestSync.Users(800, "b").Members));
        var progress = new List<SyncProgress>();

        // Act
        var summary = await TestSync.Engine(server, state, TestSync.Options(batchSize: 250), p => { lock (progress) { progress.Add(p); } }).SyncAsync(next);

        // Assert
        Assert.Equal((800, 200), (summary.ToAdd, summary.ToRemove));
        Assert.Equal(summary.ToAdd + summary.ToRemove, summary.Sent + summary.FailedIds + summary.UnsentIds);
        Assert.Equal(summary.Sent, summary.Added + summary.Removed + summary.Unchanged + summary.Unmatched);
        Assert.Equal((800L, 200L), (summary.Added, summary.Removed));
        Assert.Equal(summary.Rows, summary.Members + summary.Skipped + summary.Duplicates);
        Assert.Equal(4, summary.Batches);
        Assert.Equal(5, progress.Count);
        Assert.Equal(4, progress.Max(p => p.BatchesDone));
        Assert.Equal(1000, progress.Max(p => p.IdsDone));
    }

    [Fact]
    public async Task SyncAsync_BrazeAnswersWithoutCounts_LeavesCountsUnknown()
    {
        // Arrange
        var server = new FakePartnerServer(Responses.LikeBraze);

        // Act
        var summary = await TestSync.Engine(server).SyncAsync(TestSync.Of(Alice, Bob));

        // Assert
        Assert.True(summary.Succeeded);
        Assert.Equal(2, summary.Sent);
        Assert.Null(summary.Added);
        Assert.Null(summary.Unmatched);
    }

    [Fact]
    public async Task SyncAsync_StateFromAnotherEndpoint_SendsAFullSyncWithoutRemovals()
    {
        // Arrange
        var server = new FakePartnerServer();
        var state = new InMemorySyncStateStore();
        await TestSync.Engine(server, state).SyncAsync(TestSync.Of(Alice, Bob));
        var before = server.Requests.Count;
        var elsewhere = TestSync.Options(endpoint: new Uri("http://127.0.0.1:7071"));

        // Act
        var summary = await TestSync.Engine(server, state, elsewhere).SyncAsync(TestSync.Of(Alice));

        // Assert
        Assert.True(summary.FirstSync);
        Assert.NotNull(summary.Note);
        var requests = server.Requests.Skip(before).ToList();
        Assert.True(requests[0].IsNameCall);
        Assert.Equal(["user_id=alice"], requests[1].Ids(remove: false));
        Assert.Empty(requests[1].Ids(remove: true));
    }

    [Fact]
    public async Task PlanAsync_StateOfAnotherCohort_Throws()
    {
        // Arrange
        var other = new SyncState("amplitude", "cohort-2", "Other", "http://cohorts.test", DateTimeOffset.UnixEpoch, new HashSet<MemberIdentifier>());
        var engine = TestSync.Engine(new FakePartnerServer(), new InMemorySyncStateStore(other));

        // Act
        var plan = () => engine.PlanAsync(TestSync.Of(Alice));

        // Assert
        await Assert.ThrowsAsync<InvalidDataException>(plan);
    }

    [Fact]
    public async Task SyncAsync_FullSyncWithState_SendsEveryoneAgainAndRemovesWhoLeft()
    {
        // Arrange
        var server = new FakePartnerServer();
        var state = new InMemorySyncStateStore();
        await TestSync.Engine(server, state).SyncAsync(TestSync.Of(Alice, Bob));
        var before = server.Requests.Count;

        // Act
        var summary = await TestSync.Engine(server, state).SyncAsync(TestSync.Of(Alice, Carol), fullSync: true);

        // Assert
        Assert.True(summary.NameSent);
        var users = server.Requests.Skip(before).Single(r => r.IsUsersCall);
        Assert.Equal(["user_id=alice", "alias:email=carol@example.com"], users.Ids(remove: false));
        Assert.Equal(["user_id=bob"], users.Ids(remove: true));
    }

    [Fact]
    public async Task SyncAsync_Cancelled_ReportsCancelledAndSavesNoState()
    {
        // Arrange
        using var cancellation = new CancellationTokenSource();
        var server = new FakePartnerServer(async (request, ct) =>
        {
            if (request.IsUsersCall)
            {
                await cancellation.CancelAsync();
                await Task.Delay(Timeout.Infinite, ct);
            }

            return await Responses.LikeTheApp(request, ct);
        });
        var state = new InMemorySyncStateStore();

        // Act
        var summary = await TestSync.Engine(server, state).SyncAsync(TestSync.Of(Alice), cancellationToken: cancellation.Token);

        // Assert
        Assert.True(summary.Cancelled);
        Assert.False(summary.Succeeded);
        Assert.Null(state.Current);
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        // Arrange
        var options = TestSync.Options(batchSize: 1001);

        // Act
        var create = () => TestSync.Engine(new FakePartnerServer(), options: options);

        // Assert
        var error = Assert.Throws<ArgumentException>(create);
        Assert.Contains("batch size", error.Message, StringComparison.Ordinal);
    }
}
