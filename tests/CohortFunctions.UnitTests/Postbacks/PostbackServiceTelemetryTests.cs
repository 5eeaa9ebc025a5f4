using Azure;
using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.ImportKeys;
using CohortFunctions.Memberships;
using CohortFunctions.Postbacks;
using CohortFunctions.Results;
using CohortFunctions.Telemetry;
using CohortFunctions.TestSupport;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using Moq;

namespace CohortFunctions.UnitTests.Postbacks;

/// <summary>
/// What the partner endpoints count in telemetry: every call by its answer (also those refused at authentication,
/// under workspace <c>unknown</c>, and those that fail), its duration, and what became of a users postback's
/// identifiers; never a key, a key hint, an identifier or a cohort id in a dimension.
/// </summary>
public sealed class PostbackServiceTelemetryTests : IDisposable
{
    private const string CohortId = "cohort-7d1e";

    private static readonly UserId Ada = UserId.Parse("0aaaaaaaaaaaaaaaaaaa");
    private static readonly UserId Bob = UserId.Parse("bbbbbbbbbbbbbbbbbbbb");

    private readonly PostbackServiceHarness _harness = new();

    public PostbackServiceTelemetryTests()
    {
        _harness.AppliesEveryChange();
        _harness.Owns(Ada, Identifier.External("ada-ext"));
        _harness.Owns(Bob, Identifier.External("bob-ext"));
    }

    private RecordedMetrics Recorded => _harness.Recorded;

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task ApplyChangesAsync_Applied_CountsOne201CallItsDurationAndEveryResultOfItsIdentifiers()
    {
        // Arrange: ada added (listed twice), bob removed, two identifiers of nobody; the writes take 250 ms.
        _harness.Memberships
            .Setup(m => m.ApplyAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<char>(), It.IsAny<IReadOnlyList<MembershipChange>>(), It.IsAny<ChangeOrigin>(), It.IsAny<CancellationToken>()))
            .Callback(() => _harness.Time.Advance(TimeSpan.FromMilliseconds(250)))
            .ReturnsAsync((WorkspaceId _, CohortRef _, char _, IReadOnlyList<MembershipChange> changes, ChangeOrigin _, CancellationToken _) =>
                (new MembershipResult(changes.Count(c => c.Add), changes.Count(c => !c.Add), 0), []));
        var body = Body().WithChange(c => c.UserIds("ada-ext", "ada-ext", "nobody-ext").Alias("x@y.example", "email"))
            .WithChange(c => c.UserIds("bob-ext").ShouldRemove())
            .Build();

        // Act
        await _harness.Service.ApplyChangesAsync(Call(body), CancellationToken.None);

        // Assert
        var call = Assert.Single(Recorded.Of(CohortMetrics.Postbacks));
        Assert.Equal(1, call.Value);
        AssertTags(call, ("workspace", "acme"), ("partner", "amplitude"), ("endpoint", "users"), ("status_code", "201"), ("status_class", "2xx"), ("message", ""));
        var duration = Assert.Single(Recorded.Of(CohortMetrics.PostbackDuration));
        Assert.Equal(500, duration.Value);
        AssertTags(duration, ("workspace", "acme"), ("partner", "amplitude"), ("endpoint", "users"), ("status_class", "2xx"));
        Assert.Equal(
            [("received", 5), ("matched", 2), ("unmatched", 2), ("added", 1), ("removed", 1), ("unchanged", 0)],
            Recorded.Of(CohortMetrics.PostbackIds).Select(m => (m.Tags["result"], (int)m.Value)).ToList());
        Assert.All(Recorded.Of(CohortMetrics.PostbackIds), m => AssertTags(m, ("workspace", "acme"), ("partner", "amplitude")));
        AssertNoSecretOrIdentifier("ada-ext", "bob-ext", "nobody-ext", "x@y.example");
    }

    [Theory]
    [InlineData(PostbackServiceHarness.InvalidatedSecret, PostbackServiceHarness.ApiKey, "Invalid client secret")]
    [InlineData(PostbackServiceHarness.Secret, "not-the-partner-key", "Invalid Partner API key")]
    [InlineData(PostbackServiceHarness.OtherPartnerSecret, PostbackServiceHarness.ApiKey, "Partner not enabled for client with client secret")]
    public async Task ApplyChangesAsync_RefusedAtAuthentication_CountsA401UnderWorkspaceUnknownWithTheFixedMessage(string secret, string apiKey, string message)
    {
        // Arrange
        var body = Body().WithCredentials(apiKey, secret).WithChange(c => c.UserIds("ada-ext")).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(Call(body), CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Unauthorized, result.Failure?.Kind);
        var call = Assert.Single(Recorded.Of(CohortMetrics.Postbacks));
        AssertTags(call, ("workspace", "unknown"), ("partner", "amplitude"), ("endpoint", "users"), ("status_code", "401"), ("status_class", "4xx"), ("message", message));
        Assert.Single(Recorded.Of(CohortMetrics.PostbackDuration));
        Assert.Empty(Recorded.Of(CohortMetrics.PostbackIds));
        AssertNoSecretOrIdentifier("ada-ext", secret, ImportKeySecrets.Hint(secret), apiKey);
    }

    [Fact]
    public async Task NameCohortAsync_PartnerNotConfigured_CountsA401UnderPartnerUnknown()
    {
        // Arrange
        var body = PostbackBodies.Name().With("cohort_id", CohortId).Build();

        // Act
        await _harness.Service.NameCohortAsync(new PartnerCall("no-such-partner", body), CancellationToken.None);

        // Assert
        var call = Assert.Single(Recorded.Of(CohortMetrics.Postbacks));
        AssertTags(call, ("workspace", "unknown"), ("partner", "unknown"), ("endpoint", "name"), ("status_code", "401"), ("message", "Invalid Partner API key"));
        AssertNoSecretOrIdentifier("no-such-partner");
    }

    [Fact]
    public async Task ApplyChangesAsync_InvalidAfterAuthentication_CountsThe400WithBrazesMessageAndNoIdentifiers()
    {
        // Arrange
        var body = Body().WithRaw("cohort_changes", "[{\"user_ids\": 1}]").Build();

        // Act
        await _harness.Service.ApplyChangesAsync(Call(body), CancellationToken.None);

        // Assert
        var call = Assert.Single(Recorded.Of(CohortMetrics.Postbacks));
        AssertTags(call, ("workspace", "acme"), ("status_code", "400"), ("status_class", "4xx"), ("message", PartnerMessages.InvalidCohortChanges));
        Assert.Empty(Recorded.Of(CohortMetrics.PostbackIds));
    }

    [Fact]
    public async Task ApplyChangesAsync_StorageFailsWhileApplying_CountsA503WithoutMessageAndTheIdentifiersAsReceivedOnly()
    {
        // Arrange
        _harness.Memberships
            .Setup(m => m.ApplyAsync(It.IsAny<WorkspaceId>(), It.IsAny<CohortRef>(), It.IsAny<char>(), It.IsAny<IReadOnlyList<MembershipChange>>(), It.IsAny<ChangeOrigin>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(503, "server busy"));
        var body = Body().WithChange(c => c.UserIds("ada-ext", "bob-ext")).Build();

        // Act
        await Record.ExceptionAsync(() => _harness.Service.ApplyChangesAsync(Call(body), CancellationToken.None));

        // Assert
        var call = Assert.Single(Recorded.Of(CohortMetrics.Postbacks));
        AssertTags(call, ("workspace", "acme"), ("status_code", "503"), ("status_class", "5xx"), ("message", ""));
        var received = Assert.Single(Recorded.Of(CohortMetrics.PostbackIds));
        Assert.Equal(("received", 2.0), (received.Tags["result"], received.Value));
    }

    [Fact]
    public async Task ApplyChangesAsync_StorageFailsWhileResolvingTheKey_CountsA503UnderWorkspaceUnknown()
    {
        // Arrange
        _harness.Keys.Setup(k => k.FindByHashAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ThrowsAsync(new RequestFailedException(503, "server busy"));
        var body = Body().WithChange(c => c.UserIds("ada-ext")).Build();

        // Act
        var thrown = await Record.ExceptionAsync(() => _harness.Service.ApplyChangesAsync(Call(body), CancellationToken.None));

        // Assert
        Assert.IsType<RequestFailedException>(thrown);
        var call = Assert.Single(Recorded.Of(CohortMetrics.Postbacks));
        AssertTags(call, ("workspace", "unknown"), ("partner", "amplitude"), ("status_code", "503"), ("status_class", "5xx"));
        Assert.Empty(_harness.History.Records);
    }

    [Fact]
    public async Task ApplyChangesAsync_CredentialTest_CountsThe201AndNoIdentifiers()
    {
        // Act
        await _harness.Service.ApplyChangesAsync(Call(Body().Build()), CancellationToken.None);

        // Assert
        AssertTags(Assert.Single(Recorded.Of(CohortMetrics.Postbacks)), ("status_code", "201"), ("endpoint", "users"));
        Assert.Empty(Recorded.Of(CohortMetrics.PostbackIds));
    }

    [Fact]
    public void RefuseUnread_BodyTooLarge_CountsThe413UnderWorkspaceUnknownWithoutADuration()
    {
        // Arrange
        var tooLarge = new Failure(FailureKind.TooLarge, "Request body is larger than 4 MiB.");

        // Act
        var answer = _harness.Service.RefuseUnread(PartnerEndpoint.Users, PostbackServiceHarness.Partner, tooLarge);

        // Assert
        Assert.Same(tooLarge, answer);
        var call = Assert.Single(Recorded.Of(CohortMetrics.Postbacks));
        AssertTags(call, ("workspace", "unknown"), ("partner", "amplitude"), ("status_code", "413"), ("status_class", "4xx"), ("message", "Request body is larger than 4 MiB."));
        Assert.Empty(Recorded.Of(CohortMetrics.PostbackDuration));
    }

    private static PostbackBodies Body() => PostbackBodies.Users().With("cohort_id", CohortId);

    private static PartnerCall Call(System.Text.Json.JsonElement body) => new(PostbackServiceHarness.Partner, body, "request-1");

    private static void AssertTags(RecordedMeasurement measurement, params (string Name, string Value)[] expected)
    {
        foreach (var (name, value) in expected)
        {
            Assert.True(measurement.Tags.TryGetValue(name, out var actual), $"{measurement.Instrument} has no '{name}' dimension.");
            Assert.Equal(value, actual);
        }
    }

    /// <summary>No dimension of anything recorded contains a secret, the harness's keys, the cohort id or the given values.</summary>
    private void AssertNoSecretOrIdentifier(params string[] values)
    {
        string[] forbidden =
        [
            .. values, CohortId, PostbackServiceHarness.Secret, PostbackServiceHarness.ApiKey, PostbackServiceHarness.OtherPartnerSecret,
            ImportKeySecrets.Hint(PostbackServiceHarness.Secret), ImportKeySecrets.Hint(PostbackServiceHarness.OtherPartnerSecret),
        ];
        Assert.NotEmpty(Recorded.All);
        foreach (var measurement in Recorded.All)
        {
            Assert.Contains("workspace", measurement.Tags.Keys);
            Assert.Contains("partner", measurement.Tags.Keys);
            foreach (var value in measurement.Tags.Values.Where(v => !string.IsNullOrEmpty(v)))
            {
                Assert.DoesNotContain(value, forbidden);
                Assert.All(forbidden, f => Assert.DoesNotContain(f, value!, StringComparison.Ordinal));
            }
        }
    }
}
