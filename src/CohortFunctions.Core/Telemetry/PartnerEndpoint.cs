namespace CohortFunctions.Telemetry;

/// <summary>Which partner endpoint a call reached (the <c>endpoint</c> dimension).</summary>
internal enum PartnerEndpoint
{
    /// <summary><c>POST /partners/{partner}/cohorts</c>: the name call.</summary>
    Name,

    /// <summary><c>POST /partners/{partner}/cohorts/users</c>: a users postback (or a credential test).</summary>
    Users,
}
