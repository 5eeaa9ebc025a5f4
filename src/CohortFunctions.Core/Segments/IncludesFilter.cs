using CohortFunctions.Cohorts;

namespace CohortFunctions.Segments;

/// <summary>Users who are members of <see cref="Cohort"/>.</summary>
internal sealed record IncludesFilter(CohortRef Cohort) : SegmentFilter
{
    public override int Depth => 1;

    public override IEnumerable<CohortRef> Cohorts() => [Cohort];
}
