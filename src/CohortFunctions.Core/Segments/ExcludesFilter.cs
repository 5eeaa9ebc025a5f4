using CohortFunctions.Cohorts;

namespace CohortFunctions.Segments;

/// <summary>Users of the workspace who are not members of <see cref="Cohort"/>.</summary>
internal sealed record ExcludesFilter(CohortRef Cohort) : SegmentFilter
{
    public override int Depth => 1;

    public override IEnumerable<CohortRef> Cohorts() => [Cohort];
}
