using CohortFunctions.Identifiers;
using CohortFunctions.Matching;

namespace CohortFunctions.Postbacks;

/// <summary>One element of <c>cohort_changes</c>: identifiers to add, or to remove when <see cref="ShouldRemove"/>.</summary>
internal sealed record CohortChange(IReadOnlyList<string> UserIds, IReadOnlyList<string> DeviceIds, IReadOnlyList<UserAlias> Aliases, bool ShouldRemove)
{
    public int IdCount => UserIds.Count + DeviceIds.Count + Aliases.Count;

    /// <summary>The identifiers of this change in a stable order: external ids, device ids, aliases.</summary>
    public IEnumerable<Identifier> Identifiers() =>
        UserIds.Select(Identifier.External)
            .Concat(DeviceIds.Select(Identifier.Device))
            .Concat(Aliases.Select(Identifier.Alias));

    /// <summary>Each identifier with this change's intent, in <see cref="Identifiers"/> order.</summary>
    public IEnumerable<IdentifierIntent> Intents() => Identifiers().Select(i => new IdentifierIntent(i, ShouldRemove));
}
