using CohortFunctions.DataPoints;
using CohortFunctions.Partners;
using CohortFunctions.Results;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace CohortFunctions.UnitTests.DataPoints;

/// <summary>Data point reports: UTC day ranges, defaulting to the last 30 days including today.</summary>
public sealed class DataPointServiceTests
{
    private static readonly DateOnly Today = new(2025, 3, 14);
    private static readonly string[] PartnerNames = ["amplitude", "segment"];

    private readonly WorkspaceId _workspace = WorkspaceId.Parse("acme").TryGetValue(out var ws, out _) ? ws : default;
    private readonly Mock<IDataPointLedger> _ledger = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 14, 12, 0, 0, TimeSpan.Zero));
    private readonly DataPointService _service;

    public DataPointServiceTests()
    {
        var partners = new PartnerCatalog(Options.Create(new PartnersOptions
        {
            ["segment"] = new PartnerOptions { DisplayName = "Segment", ApiKeys = { "k2" } },
            ["amplitude"] = new PartnerOptions { DisplayName = "Amplitude", ApiKeys = { "k1" } },
        }));
        _service = new DataPointService(_ledger.Object, partners, _time);
        _ledger.Setup(l => l.QueryAsync(It.IsAny<WorkspaceId>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<DateOnly>(), It.IsAny<DateOnly>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([]);
    }

    [Fact]
    public async Task ReportAsync_NoRange_Last30DaysIncludingToday()
    {
        // Act
        var result = await _service.ReportAsync("acme", null, null, CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        VerifyQueried(new DateOnly(2025, 2, 13), Today);
    }

    [Fact]
    public async Task ReportAsync_NoRange_TodayIsTheUtcDay()
    {
        // Arrange: 00:30 on 15 March in UTC+02:00 is still 14 March in UTC.
        _time.SetUtcNow(new DateTimeOffset(2025, 3, 15, 0, 30, 0, TimeSpan.FromHours(2)));

        // Act
        await _service.ReportAsync("acme", "", "", CancellationToken.None);

        // Assert
        VerifyQueried(new DateOnly(2025, 2, 13), Today);
    }

    [Fact]
    public async Task ReportAsync_OnlyTo_30DaysEndingThere()
    {
        // Act
        await _service.ReportAsync("acme", null, "2025-01-31", CancellationToken.None);

        // Assert
        VerifyQueried(new DateOnly(2025, 1, 2), new DateOnly(2025, 1, 31));
    }

    [Fact]
    public async Task ReportAsync_OnlyFrom_UpToToday()
    {
        // Act
        await _service.ReportAsync("acme", "2025-03-01", null, CancellationToken.None);

        // Assert
        VerifyQueried(new DateOnly(2025, 3, 1), Today);
    }

    [Fact]
    public async Task ReportAsync_SameDay_OneDay()
    {
        // Act
        var result = await _service.ReportAsync("acme", "2025-03-14", "2025-03-14", CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        VerifyQueried(Today, Today);
    }

    [Fact]
    public async Task ReportAsync_EveryPartner_Queried()
    {
        // Act
        await _service.ReportAsync("acme", null, null, CancellationToken.None);

        // Assert
        _ledger.Verify(l => l.QueryAsync(
            _workspace,
            It.Is<IReadOnlyList<string>>(p => p.Order(StringComparer.Ordinal).SequenceEqual(PartnerNames)),
            It.IsAny<DateOnly>(),
            It.IsAny<DateOnly>(),
            It.IsAny<CancellationToken>()));
    }

    [Theory]
    [InlineData("2025-13-01")]
    [InlineData("2025-02-30")]
    [InlineData("2025-3-1")]
    [InlineData("14/03/2025")]
    [InlineData("03/14/2025")]
    [InlineData("20250314")]
    [InlineData("2025-03-14T00:00:00Z")]
    [InlineData(" 2025-03-14")]
    [InlineData("2025-03-14 ")]
    [InlineData("yesterday")]
    public async Task ReportAsync_FromNotADate_Invalid(string from)
    {
        // Act
        var result = await _service.ReportAsync("acme", from, "2025-03-14", CancellationToken.None);

        // Assert
        AssertInvalid("from and to must be dates as YYYY-MM-DD.", result.Failure);
    }

    [Theory]
    [InlineData("2025-00-10")]
    [InlineData("2025-03-32")]
    [InlineData("today")]
    [InlineData("2025-03-14\n")]
    public async Task ReportAsync_ToNotADate_Invalid(string to)
    {
        // Act
        var result = await _service.ReportAsync("acme", "2025-03-01", to, CancellationToken.None);

        // Assert
        AssertInvalid("from and to must be dates as YYYY-MM-DD.", result.Failure);
    }

    [Theory]
    [InlineData("2025-03-15", "2025-03-14")]
    [InlineData("2026-01-01", null)]
    [InlineData("2020-01-01", "0001-01-01")]
    public async Task ReportAsync_FromAfterTo_Invalid(string? from, string? to)
    {
        // Act
        var result = await _service.ReportAsync("acme", from, to, CancellationToken.None);

        // Assert
        AssertInvalid("from must not be after to.", result.Failure);
    }

    [Theory]
    [InlineData("0001-01-01")]
    [InlineData("0001-01-29")]
    public async Task ReportAsync_OnlyToWithinTheFirst30DaysThereAre_FromTheFirstDay(string to)
    {
        // Act: found by the fuzz, which answered 500 here (the default start fell before 0001-01-01).
        var result = await _service.ReportAsync("acme", null, to, CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        VerifyQueried(DateOnly.MinValue, DateOnly.ParseExact(to, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ReportAsync_366Days_Accepted()
    {
        // Act: 2024 is a leap year, so this is 366 days.
        var result = await _service.ReportAsync("acme", "2024-01-01", "2024-12-31", CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess, result.Failure?.Message);
        VerifyQueried(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31));
    }

    [Fact]
    public async Task ReportAsync_367Days_Invalid()
    {
        // Act
        var result = await _service.ReportAsync("acme", "2023-12-31", "2024-12-31", CancellationToken.None);

        // Assert
        AssertInvalid("A report covers at most 366 days.", result.Failure);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ACME")]
    public async Task ReportAsync_BadWorkspace_Invalid(string? workspace)
    {
        // Act
        var result = await _service.ReportAsync(workspace, null, null, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.StartsWith("Invalid workspace id", result.Failure?.Message, StringComparison.Ordinal);
        _ledger.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ReportAsync_LedgerDays_TotalIsTheirSum()
    {
        // Arrange
        IReadOnlyList<DataPointDay> days =
        [
            new(new DateOnly(2025, 3, 1), "amplitude", 1_000_000_000_000),
            new(new DateOnly(2025, 3, 1), "segment", 7),
            new(new DateOnly(2025, 3, 2), "amplitude", 35),
        ];
        _ledger.Setup(l => l.QueryAsync(_workspace, It.IsAny<IReadOnlyList<string>>(), It.IsAny<DateOnly>(), It.IsAny<DateOnly>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(days);

        // Act
        var result = await _service.ReportAsync("acme", null, null, CancellationToken.None);

        // Assert
        Assert.Equal(1_000_000_000_042, result.Value?.Total);
        Assert.Equal(days, result.Value?.Days);
    }

    [Fact]
    public async Task ReportAsync_NoDataPoints_ZeroTotal()
    {
        // Act
        var result = await _service.ReportAsync("acme", null, null, CancellationToken.None);

        // Assert
        Assert.Equal(0, result.Value?.Total);
        Assert.Empty(result.Value!.Days);
    }

    private void VerifyQueried(DateOnly first, DateOnly last) =>
        _ledger.Verify(
            l => l.QueryAsync(_workspace, It.IsAny<IReadOnlyList<string>>(), first, last, It.IsAny<CancellationToken>()),
            Times.Once);

    private void AssertInvalid(string expectedMessage, Failure? failure)
    {
        Assert.NotNull(failure);
        Assert.Equal(FailureKind.Invalid, failure.Kind);
        Assert.Equal(expectedMessage, failure.Message);
        _ledger.VerifyNoOtherCalls();
    }
}
