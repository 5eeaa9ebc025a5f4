using Azure;
using CohortFunctions.Cohorts;
using CohortFunctions.DataPoints;
using CohortFunctions.History;
using CohortFunctions.Identifiers;
using CohortFunctions.ImportKeys;
using CohortFunctions.Matching;
using CohortFunctions.Memberships;
using CohortFunctions.Postbacks;
using CohortFunctions.Results;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using Moq;

namespace CohortFunctions.UnitTests.Postbacks;

/// <summary>
/// What the partner endpoints record in the sync history: one record per call that passed authentication, whatever
/// its kind and however it ended, with the answer's status and message, the counts, the time taken, the key's id and
/// the request's id; nothing for calls refused at authentication, and never an identifier.
/// </summary>
public sealed class PostbackServiceHistoryTests : IDisposable
{
    private const string RequestId = "0HN7-request";

    private static readonly UserId Ada = UserId.Parse("0aaaaaaaaaaaaaaaaaaa");
    private static readonly UserId Bob = UserId.Parse("bbbbbbbbbbbbbbbbbbbb");

    private readonly PostbackServiceHarness _harness = new();

    public PostbackServiceHistoryTests()
    {
        _harness.AppliesEveryChange();
        _harness.Owns(Ada, Identifier.External("ada"));
        _harness.Owns(Bob, Identifier.External("bob"));
    }

    private static string KeyId => ImportKeySecrets.Hash(PostbackServiceHarness.Secret)[..16];

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task ApplyChangesAsync_Applied_RecordsChangesWithTheAnswersCountsKeyAndRequest()
    {
        // Arrange: bob removed, ada added, two identifiers unknown; the write of each user shard takes 250 ms.
        WritesTake(TimeSpan.FromMilliseconds(250));
        var body = PostbackBodies.Users().With("cohort_id", "abc123")
            .WithChange(c => c.UserIds("ada", "nobody").Alias("x@y", "email"))
            .WithChange(c => c.UserIds("bob").ShouldRemove())
            .Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(Call(body), CancellationToken.None);

        // Assert
        var record = Assert.Single(_harness.History.Records);
        Assert.Equal(new PostbackSummary(1, 1, 0, 2, 2), result.Value);
        Assert.Equal(
            (PostbackServiceHarness.Now, PostbackServiceHarness.Workspace, "amplitude", "abc123", SyncKind.Changes, new SyncOutcome(201, "success")),
            (record.At, record.Workspace, record.Partner, record.CohortId, record.Kind, record.Outcome));
        Assert.Equal(new SyncCounts(Received: 4, Added: 1, Removed: 1, Unchanged: 0, Unmatched: 2, DataPoints: 2), record.Counts);
        Assert.Equal(TimeSpan.FromMilliseconds(500), record.Duration);
        Assert.Equal((KeyId, RequestId), (record.KeyId, record.RequestId));
        Assert.Matches("^[0-9a-f]{32}$", record.Id);
        AssertNoIdentifier(record, "ada", "bob", "nobody", "x@y", "email");
    }

    [Fact]
    public async Task ApplyChangesAsync_EmptyChanges_RecordsACredentialTestAndStillWritesNothingElse()
    {
        // Arrange
        var body = PostbackBodies.Users().With("cohort_id", "test").WithRaw("cohort_changes", "[]").Build();

        // Act
        await _harness.Service.ApplyChangesAsync(Call(body), CancellationToken.None);

        // Assert
        var record = Assert.Single(_harness.History.Records);
        Assert.Equal((SyncKind.CredentialTest, "test", new SyncOutcome(201, "success"), SyncCounts.None), (record.Kind, record.CohortId, record.Outcome, record.Counts));
        Assert.Equal(KeyId, record.KeyId);
        _harness.VerifyNoCohortWork();
    }

    [Fact]
    public async Task NameCohortAsync_Named_RecordsANameCall()
    {
        // Arrange
        var body = PostbackBodies.Name().With("cohort_id", "abc123").Build();

        // Act
        await _harness.Service.NameCohortAsync(Call(body), CancellationToken.None);

        // Assert
        var record = Assert.Single(_harness.History.Records);
        Assert.Equal((SyncKind.Name, "abc123", new SyncOutcome(201, "success"), SyncCounts.None), (record.Kind, record.CohortId, record.Outcome, record.Counts));
        Assert.Equal((KeyId, RequestId), (record.KeyId, record.RequestId));
    }

    [Theory]
    [InlineData("cohort_changes", "{}", "abc123", PartnerMessages.InvalidCohortChanges)]
    [InlineData("cohort_id", "\"\"", null, PartnerMessages.InvalidCohortId)]
    [InlineData("cohort_id", "7", null, PartnerMessages.InvalidCohortId)]
    public async Task ApplyChangesAsync_RefusedAfterAuthentication_Records400WithBrazesMessage(string field, string json, string? cohortId, string message)
    {
        // Arrange
        var body = PostbackBodies.Users().With("cohort_id", "abc123").WithChange(c => c.UserIds("ada")).WithRaw(field, json).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(Call(body), CancellationToken.None);

        // Assert
        var record = Assert.Single(_harness.History.Records);
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.Equal((SyncKind.Changes, cohortId, new SyncOutcome(400, message), SyncCounts.None), (record.Kind, record.CohortId, record.Outcome, record.Counts));
        _harness.VerifyNoCohortWork();
    }

    [Fact]
    public async Task ApplyChangesAsync_OverAThousandIds_Records400()
    {
        // Arrange
        var body = PostbackBodies.Users().WithChange(c => c.UserIds([.. Enumerable.Range(0, 1001).Select(i => $"u{i}")])).Build();

        // Act
        await _harness.Service.ApplyChangesAsync(Call(body), CancellationToken.None);

        // Assert
        Assert.Equal(new SyncOutcome(400, PartnerMessages.TooManyIds), Assert.Single(_harness.History.Records).Outcome);
    }

    [Fact]
    public async Task NameCohortAsync_InvalidName_Records400()
    {
        // Arrange
        var body = PostbackBodies.Name().With("name", " ").Build();

        // Act
        await _harness.Service.NameCohortAsync(Call(body), CancellationToken.None);

        // Assert
        var record = Assert.Single(_harness.History.Records);
        Assert.Equal((SyncKind.Name, new SyncOutcome(400, PartnerMessages.InvalidName)), (record.Kind, record.Outcome));
    }

    [Theory]
    [InlineData("amplitude", "wrong-partner-key", PostbackServiceHarness.Secret)]
    [InlineData("amplitude", PostbackServiceHarness.ApiKey, "unknown-secret")]
    [InlineData("amplitude", PostbackServiceHarness.ApiKey, PostbackServiceHarness.InvalidatedSecret)]
    [InlineData("amplitude", PostbackServiceHarness.ApiKey, PostbackServiceHarness.OtherPartnerSecret)]
    [InlineData("nobody", PostbackServiceHarness.ApiKey, PostbackServiceHarness.Secret)]
    public async Task BothEndpoints_RefusedAtAuthentication_RecordNothing(string partner, string apiKey, string secret)
    {
        // Arrange
        var changes = PostbackBodies.Users().WithCredentials(apiKey, secret).WithChange(c => c.UserIds("ada")).Build();
        var name = PostbackBodies.Name().WithCredentials(apiKey, secret).Build();

        // Act
        var applied = await _harness.Service.ApplyChangesAsync(new PartnerCall(partner, changes, RequestId), CancellationToken.None);
        var named = await _harness.Service.NameCohortAsync(new PartnerCall(partner, name, RequestId), CancellationToken.None);

        // Assert
        Assert.Equal((FailureKind.Unauthorized, FailureKind.Unauthorized), (applied.Failure?.Kind, named.Failure?.Kind));
        Assert.Empty(_harness.History.Records);
    }

    [Fact]
    public async Task ApplyChangesAsync_StorageUnavailable_Records503WithTheAnswersMessageAndRethrows()
    {
        // Arrange
        _harness.Index.Setup(i => i.FindAsync(It.IsAny<WorkspaceId>(), It.IsAny<Identifier>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(503, "server busy"));
        var body = PostbackBodies.Users().WithChange(c => c.UserIds("ada", "bob")).Build();

        // Act
        var thrown = await Record.ExceptionAsync(() => _harness.Service.ApplyChangesAsync(Call(body), CancellationToken.None));

        // Assert
        Assert.IsType<RequestFailedException>(thrown);
        var record = Assert.Single(_harness.History.Records);
        Assert.Equal(new SyncOutcome(503, ErrorMessages.StorageUnavailable), record.Outcome);
        Assert.Equal(SyncCounts.ReceivedOnly(2), record.Counts);
    }

    [Fact]
    public async Task ApplyChangesAsync_FailsAfterTheMembershipsCommitted_RecordsWhatTheyDidWithTheFailure()
    {
        // Arrange: every identifier is applied, then recording the unknown one fails.
        _harness.Pending.Setup(p => p.RecordAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<IReadOnlyList<IdentifierIntent>>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(500, "internal"));
        _harness.ResyncState.Setup(s => s.LowerPendingSinceAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Returns(Task.CompletedTask);
        var body = PostbackBodies.Users().WithChange(c => c.UserIds("ada", "ghost")).Build();

        // Act
        await Record.ExceptionAsync(() => _harness.Service.ApplyChangesAsync(Call(body), CancellationToken.None));

        // Assert
        var record = Assert.Single(_harness.History.Records);
        Assert.Equal(new SyncOutcome(503, ErrorMessages.StorageUnavailable), record.Outcome);
        Assert.Equal(new SyncCounts(2, 1, 0, 0, 1, 1), record.Counts);
    }

    [Fact]
    public async Task ApplyChangesAsync_DeadlinePassed_Records503TimedOut()
    {
        // Arrange
        using var deadline = new CancellationTokenSource();
        WritesThen(() => deadline.Cancel());
        var body = PostbackBodies.Users().WithChange(c => c.UserIds("ada")).Build();

        // Act
        await Record.ExceptionAsync(() => _harness.Service.ApplyChangesAsync(Call(body), deadline.Token));

        // Assert
        Assert.Equal(new SyncOutcome(503, ErrorMessages.TimedOut), Assert.Single(_harness.History.Records).Outcome);
    }

    [Fact]
    public async Task ApplyChangesAsync_SenderWentAway_Records499()
    {
        // Arrange
        using var gone = new CancellationTokenSource();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(gone.Token);
        WritesThen(() => gone.Cancel());
        var body = PostbackBodies.Users().WithChange(c => c.UserIds("ada")).Build();

        // Act
        await Record.ExceptionAsync(() => _harness.Service.ApplyChangesAsync(Call(body) with { SenderGone = gone.Token }, deadline.Token));

        // Assert
        Assert.Equal(new SyncOutcome(499, SyncOutcome.SenderGoneMessage), Assert.Single(_harness.History.Records).Outcome);
    }

    [Fact]
    public async Task NameCohortAsync_UnexpectedException_Records500()
    {
        // Arrange
        _harness.Cohorts.Setup(c => c.UpsertNameAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("a bug"));

        // Act
        var thrown = await Record.ExceptionAsync(() => _harness.Service.NameCohortAsync(Call(PostbackBodies.Name().Build()), CancellationToken.None));

        // Assert
        Assert.IsType<InvalidOperationException>(thrown);
        Assert.Equal(new SyncOutcome(500, ErrorMessages.InternalError), Assert.Single(_harness.History.Records).Outcome);
    }

    private static PartnerCall Call(System.Text.Json.JsonElement body) => new(PostbackServiceHarness.Partner, body, RequestId);

    private static void AssertNoIdentifier(SyncRecord record, params string[] identifiers)
    {
        var text = record.ToString();
        foreach (var identifier in identifiers)
        {
            Assert.DoesNotContain(identifier, text, StringComparison.Ordinal);
        }
    }

    private void WritesTake(TimeSpan duration) => WritesThen(() => _harness.Time.Advance(duration));

    private void WritesThen(Action after) =>
        _harness.Memberships
            .Setup(m => m.ApplyAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<char>(), It.IsAny<IReadOnlyList<MembershipChange>>(), It.IsAny<ChangeOrigin>(), It.IsAny<CancellationToken>()))
            .Callback(after)
            .ReturnsAsync((WorkspaceId _, CohortRef _, char _, IReadOnlyList<MembershipChange> changes, ChangeOrigin _, CancellationToken ct) =>
            {
                ct.ThrowIfCancellationRequested();
                return (new MembershipResult(changes.Count(c => c.Add), changes.Count(c => !c.Add), 0), (IReadOnlyList<DataPointEntry>)[]);
            });
}
