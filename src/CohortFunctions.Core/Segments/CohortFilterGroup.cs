namespace CohortFunctions.Segments;

/// <summary>One group of the segment filter dropdown: a partner's cohorts, e.g. "Amplitude Cohorts".</summary>
internal sealed record CohortFilterGroup(string Partner, string FilterName, IReadOnlyList<(string CohortId, string DisplayName)> Cohorts);
