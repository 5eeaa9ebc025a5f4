using CohortFunctions.Postbacks;
using CohortFunctions.Results;

namespace CohortFunctions.UnitTests.Postbacks;

/// <summary>
/// The 400s of <c>POST /partners/{partner}/cohorts/users</c> with valid credentials, word for word as Braze gives
/// them, in Braze's order: <c>cohort_id</c>, then the shape of <c>cohort_changes</c>, then the identifier count.
/// </summary>
public sealed class PostbackServiceCohortChangesValidationTests : IDisposable
{
    private readonly PostbackServiceHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    public static TheoryData<string> InvalidCohortIds => new()
    {
        "\"\"",
        "null",
        "123",
        "true",
        "[\"cohort-1\"]",
        "{\"id\": \"cohort-1\"}",
        "\"cohort\\u0000id\"",
        "\"cohort\\nid\"",
        "\"cohort-1\\n\"",
        "\"cohort\\u007fid\"",
        "\"" + new string('c', 1025) + "\"",
    };

    public static TheoryData<string> MalformedCohortChanges => new()
    {
        // cohort_changes itself is not an array
        "null",
        "{}",
        "{\"user_ids\": [\"u1\"]}",
        "\"[{\\\"user_ids\\\": [\\\"u1\\\"]}]\"",
        "1",
        "true",

        // an element is not an object
        "[1]",
        "[\"u1\"]",
        "[null]",
        "[[]]",
        "[[\"u1\"]]",

        // an element has none of user_ids, device_ids, aliases
        "[{}]",
        "[{\"should_remove\": true}]",
        "[{\"external_ids\": [\"u1\"]}]",
        "[{\"user_id\": [\"u1\"]}]",
        "[{\"USER_IDS\": [\"u1\"]}]",

        // user_ids / device_ids are not arrays of non-empty strings
        "[{\"user_ids\": \"u1\"}]",
        "[{\"user_ids\": {}}]",
        "[{\"user_ids\": 1}]",
        "[{\"user_ids\": [1]}]",
        "[{\"user_ids\": [null]}]",
        "[{\"user_ids\": [\"\"]}]",
        "[{\"user_ids\": [\"u1\", \"\"]}]",
        "[{\"user_ids\": [[\"u1\"]]}]",
        "[{\"user_ids\": [{\"id\": \"u1\"}]}]",
        "[{\"device_ids\": \"d1\"}]",
        "[{\"device_ids\": [true]}]",
        "[{\"device_ids\": [\"\"]}]",
        "[{\"user_ids\": [\"u1\"], \"device_ids\": [2]}]",

        // aliases is not an array of {alias_name, alias_label} with non-empty strings
        "[{\"aliases\": {\"alias_name\": \"n\", \"alias_label\": \"l\"}}]",
        "[{\"aliases\": \"n\"}]",
        "[{\"aliases\": [\"n\"]}]",
        "[{\"aliases\": [null]}]",
        "[{\"aliases\": [{\"alias_label\": \"l\"}]}]",
        "[{\"aliases\": [{\"alias_name\": \"n\"}]}]",
        "[{\"aliases\": [{\"alias_name\": \"\", \"alias_label\": \"l\"}]}]",
        "[{\"aliases\": [{\"alias_name\": \"n\", \"alias_label\": \"\"}]}]",
        "[{\"aliases\": [{\"alias_name\": 1, \"alias_label\": \"l\"}]}]",
        "[{\"aliases\": [{\"alias_name\": \"n\", \"alias_label\": null}]}]",
        "[{\"aliases\": [{\"alias_name\": \"n\", \"alias_label\": \"l\"}, {}]}]",

        // should_remove is not a boolean
        "[{\"user_ids\": [\"u1\"], \"should_remove\": \"true\"}]",
        "[{\"user_ids\": [\"u1\"], \"should_remove\": \"false\"}]",
        "[{\"user_ids\": [\"u1\"], \"should_remove\": 1}]",
        "[{\"user_ids\": [\"u1\"], \"should_remove\": 0}]",
        "[{\"user_ids\": [\"u1\"], \"should_remove\": []}]",

        // one bad element among good ones
        "[{\"user_ids\": [\"u1\"]}, 5]",
        "[{\"user_ids\": [\"u1\"]}, {}]",
        "[{\"user_ids\": [\"u1\"]}, {\"device_ids\": [\"d1\"]}, {\"aliases\": [{}]}]",
    };

    [Theory]
    [MemberData(nameof(InvalidCohortIds))]
    public async Task ApplyChangesAsync_InvalidCohortId_InvalidCohortId(string cohortIdJson)
    {
        // Arrange
        var body = PostbackBodies.Users().WithRaw("cohort_id", cohortIdJson).WithChange(c => c.UserIds("u1")).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertInvalid(PartnerMessages.InvalidCohortId, result.Failure);
        _harness.VerifyNoCohortWork();
    }

    [Fact]
    public async Task ApplyChangesAsync_CohortIdMissing_InvalidCohortId()
    {
        // Arrange
        var body = PostbackBodies.Users().Without("cohort_id").WithChange(c => c.UserIds("u1")).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertInvalid(PartnerMessages.InvalidCohortId, result.Failure);
    }

    [Theory]
    [InlineData("c")]
    [InlineData("cohort with spaces/and#odd?chars|%~")]
    [InlineData("cöhort-😀")]
    public async Task ApplyChangesAsync_UnusualButValidCohortId_Succeeds(string cohortId)
    {
        // Arrange
        var body = PostbackBodies.Users().With("cohort_id", cohortId).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
    }

    [Fact]
    public async Task ApplyChangesAsync_CohortIdOf1024Chars_Succeeds()
    {
        // Arrange
        var body = PostbackBodies.Users().With("cohort_id", new string('c', 1024)).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
    }

    [Fact]
    public async Task ApplyChangesAsync_CohortChangesMissing_InvalidCohortChanges()
    {
        // Arrange
        var body = PostbackBodies.Users().Without("cohort_changes").Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertInvalid(PartnerMessages.InvalidCohortChanges, result.Failure);
    }

    [Theory]
    [MemberData(nameof(MalformedCohortChanges))]
    public async Task ApplyChangesAsync_MalformedCohortChanges_InvalidCohortChanges(string changesJson)
    {
        // Arrange
        var body = PostbackBodies.Users().WithRaw("cohort_changes", changesJson).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertInvalid(PartnerMessages.InvalidCohortChanges, result.Failure);
        _harness.VerifyNoCohortWork();
    }

    [Fact]
    public async Task ApplyChangesAsync_BadCohortIdAndBadChanges_InvalidCohortIdFirst()
    {
        // Arrange
        var body = PostbackBodies.Users().With("cohort_id", "").WithRaw("cohort_changes", "[{}]").Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertInvalid(PartnerMessages.InvalidCohortId, result.Failure);
    }

    [Fact]
    public async Task ApplyChangesAsync_1001IdsInOneChange_TooManyIds()
    {
        // Arrange
        var body = PostbackBodies.Users().WithChange(c => c.UserIds(Ids("u", 1001))).Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertInvalid(PartnerMessages.TooManyIds, result.Failure);
        _harness.VerifyNoCohortWork();
    }

    [Fact]
    public async Task ApplyChangesAsync_1001IdsSplitOverKindsAndChanges_TooManyIds()
    {
        // Arrange: 400 + 300 + 301 over three change objects and all three identifier kinds.
        var body = PostbackBodies.Users()
            .WithChange(c => c.UserIds(Ids("u", 400)))
            .WithChange(c => c.DeviceIds(Ids("d", 300)).ShouldRemove())
            .WithChange(c =>
            {
                foreach (var name in Ids("n", 301))
                {
                    c.Alias(name, "amplitude_id");
                }
            })
            .Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertInvalid(PartnerMessages.TooManyIds, result.Failure);
        _harness.VerifyNoCohortWork();
    }

    [Fact]
    public async Task ApplyChangesAsync_TooManyIdsAndAMalformedChange_InvalidCohortChangesFirst()
    {
        // Arrange
        var body = PostbackBodies.Users()
            .WithChange(c => c.UserIds(Ids("u", 1001)))
            .WithChange(c => c.Raw("user_ids", "[1]"))
            .Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        AssertInvalid(PartnerMessages.InvalidCohortChanges, result.Failure);
    }

    [Fact]
    public async Task ApplyChangesAsync_1000IdsSplitOverChanges_Succeeds()
    {
        // Arrange
        var body = PostbackBodies.Users()
            .WithChange(c => c.UserIds(Ids("u", 500)).DeviceIds(Ids("d", 250)))
            .WithChange(c =>
            {
                foreach (var name in Ids("n", 250))
                {
                    c.Alias(name, "amplitude_id");
                }
            })
            .Build();

        // Act
        var result = await _harness.Service.ApplyChangesAsync(new PartnerCall(PostbackServiceHarness.Partner, body), CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        Assert.Equal(1000, result.Value!.Unmatched);
    }

    private static string[] Ids(string prefix, int count) => [.. Enumerable.Range(0, count).Select(i => $"{prefix}{i}")];

    private static void AssertInvalid(string expectedMessage, Failure? failure)
    {
        Assert.NotNull(failure);
        Assert.Equal(FailureKind.Invalid, failure.Kind);
        Assert.Equal(expectedMessage, failure.Message);
    }
}
