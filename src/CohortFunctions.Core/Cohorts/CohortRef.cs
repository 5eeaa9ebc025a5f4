namespace CohortFunctions.Cohorts;

/// <summary>A cohort's identity within a workspace: the partner that sent it and the partner's cohort id.</summary>
internal sealed record CohortRef(string Partner, string CohortId);
