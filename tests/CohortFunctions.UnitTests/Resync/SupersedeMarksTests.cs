using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Resync;

namespace CohortFunctions.UnitTests.Resync;

/// <summary>
/// Which matched identifiers a postback marks as superseding in a cohort with pending identifiers: every one that
/// could have a pending row, and only those.
/// </summary>
public sealed class SupersedeMarksTests
{
    private static readonly DateTimeOffset PendingSince = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Needed_PendingSinceUnknown_MarksEveryMatchedIdentifier()
    {
        // Arrange
        MatchedIdentifier[] matched = [Matched("old", PendingSince.AddDays(-30)), Matched("new", PendingSince.AddDays(1))];

        // Act
        var marks = SupersedeMarks.Needed(matched, pendingSince: null);

        // Assert
        Assert.Equal([Identifier.External("old"), Identifier.External("new")], marks);
    }

    [Fact]
    public void Needed_RowTimeUnknown_Marks()
    {
        Assert.Equal([Identifier.External("legacy")], SupersedeMarks.Needed([Matched("legacy", null)], PendingSince));
    }

    [Fact]
    public void Needed_RowsWrittenLongBeforeTheFirstPendingIdentifier_AreNotMarked()
    {
        // Arrange: one row just past the margin, one a year old.
        MatchedIdentifier[] matched =
        [
            Matched("just-past-the-margin", PendingSince - SupersedeMarks.Margin - TimeSpan.FromTicks(1)),
            Matched("a-year-old", PendingSince.AddYears(-1)),
        ];

        // Act
        var marks = SupersedeMarks.Needed(matched, PendingSince);

        // Assert
        Assert.Empty(marks);
    }

    [Fact]
    public void Needed_RowsWrittenWithinTheMarginOrLater_AreMarked()
    {
        // Arrange: clocks and requests overlap, so "shortly before" counts as "after".
        MatchedIdentifier[] matched =
        [
            Matched("at-the-margin", PendingSince - SupersedeMarks.Margin),
            Matched("a-minute-before", PendingSince.AddMinutes(-1)),
            Matched("after", PendingSince.AddHours(5)),
            Matched("old", PendingSince.AddDays(-2)),
        ];

        // Act
        var marks = SupersedeMarks.Needed(matched, PendingSince);

        // Assert
        Assert.Equal([Identifier.External("at-the-margin"), Identifier.External("a-minute-before"), Identifier.External("after")], marks);
    }

    private static MatchedIdentifier Matched(string externalId, DateTimeOffset? indexedAt) => new(Identifier.External(externalId), indexedAt);
}
