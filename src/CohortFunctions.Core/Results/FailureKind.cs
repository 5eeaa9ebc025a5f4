namespace CohortFunctions.Results;

/// <summary>What went wrong in an expected way: a value that the HTTP layer maps to a status code in one place.</summary>
internal enum FailureKind
{
    /// <summary>The request is malformed or breaks a rule (400).</summary>
    Invalid,

    /// <summary>The addressed thing does not exist (404).</summary>
    NotFound,

    /// <summary>Credentials in the request are not accepted (401).</summary>
    Unauthorized,

    /// <summary>The request conflicts with current state (409).</summary>
    Conflict,

    /// <summary>The request body is larger than allowed (413).</summary>
    TooLarge,
}
