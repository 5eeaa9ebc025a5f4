using CohortFunctions.Users;

namespace CohortFunctions.Segments;

/// <summary>A page of a segment's users, as a campaign sender walks them.</summary>
internal sealed record SegmentUsersPage(IReadOnlyList<UserSummary> Users, string? Continuation);
