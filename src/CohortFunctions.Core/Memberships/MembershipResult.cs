namespace CohortFunctions.Memberships;

/// <summary>What applying changes did: only effective changes count as added or removed.</summary>
internal sealed record MembershipResult(int Added, int Removed, int Unchanged)
{
    public static MembershipResult None { get; } = new(0, 0, 0);

    public MembershipResult Plus(MembershipResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Added + other.Added, Removed + other.Removed, Unchanged + other.Unchanged);
    }
}
