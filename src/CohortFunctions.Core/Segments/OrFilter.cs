using CohortFunctions.Cohorts;

namespace CohortFunctions.Segments;

/// <summary>Users matching at least one of <see cref="Filters"/>.</summary>
internal sealed record OrFilter(IReadOnlyList<SegmentFilter> Filters) : SegmentFilter
{
    public override int Depth => 1 + Filters.Max(f => f.Depth);

    public override IEnumerable<CohortRef> Cohorts() => Filters.SelectMany(f => f.Cohorts());
}
