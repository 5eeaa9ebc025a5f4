namespace CohortFunctions.Memberships;

/// <summary>
/// Membership changes could not be committed because concurrent writers kept changing the same members. Nothing
/// was half-applied; the request is answered 503 and the sender's retry applies it.
/// </summary>
internal sealed class MembershipContentionException : Exception
{
    public MembershipContentionException()
    {
    }

    public MembershipContentionException(string message)
        : base(message)
    {
    }

    public MembershipContentionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
