namespace CohortFunctions.CohortSync.Members;

/// <summary>
/// A cohort's membership at one moment, as identifiers to send. <see cref="Rows"/> =
/// <see cref="Members"/>.Count + <see cref="Unresolved"/> + <see cref="Duplicates"/>.
/// </summary>
/// <param name="Members">The distinct identifiers of the members that could be resolved.</param>
/// <param name="Rows">Data rows read.</param>
/// <param name="Unresolved">Rows with no value for any mapped column: skipped, "unresolved mapping".</param>
/// <param name="Duplicates">Rows that resolved to an identifier an earlier row had.</param>
public sealed record CohortSnapshot(IReadOnlySet<MemberIdentifier> Members, int Rows, int Unresolved, int Duplicates)
{
    /// <summary>A snapshot built in memory, for callers that generate members rather than read a file.</summary>
    public static CohortSnapshot FromIdentifiers(IEnumerable<MemberIdentifier> identifiers)
    {
        ArgumentNullException.ThrowIfNull(identifiers);
        var members = new HashSet<MemberIdentifier>();
        var rows = 0;
        foreach (var identifier in identifiers)
        {
            rows++;
            members.Add(identifier);
        }

        return new CohortSnapshot(members, rows, 0, rows - members.Count);
    }
}
