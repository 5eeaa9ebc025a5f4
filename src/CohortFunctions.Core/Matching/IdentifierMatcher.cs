using System.Collections.Concurrent;
using CohortFunctions.Identifiers;
using CohortFunctions.Memberships;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Matching;

/// <summary>
/// Resolves identifiers to existing users (never creating any), by Braze's rules: <c>user_ids</c> match identified
/// users by external id, <c>aliases</c> match any user, <c>device_ids</c> match only users who are anonymous now.
/// Intents apply in the order given, so for one user the last wins, however many of its identifiers were used. One
/// point read per distinct identifier, in parallel.
/// </summary>
internal sealed class IdentifierMatcher(IIdentifierIndex index)
{
    private const int LookupParallelism = 64;

    public async Task<MatchResult> MatchAsync(WorkspaceId workspace, IReadOnlyList<IdentifierIntent> intents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intents);
        var distinct = intents.Select(i => i.Identifier).Distinct().ToList();
        var owners = new ConcurrentDictionary<Identifier, IdentifierOwner?>();
        await Parallel.ForEachAsync(
            distinct,
            new ParallelOptions { MaxDegreeOfParallelism = LookupParallelism, CancellationToken = cancellationToken },
            async (identifier, ct) => owners[identifier] = CanBelongToAUser(identifier)
                ? await index.FindAsync(workspace, identifier, ct).ConfigureAwait(false)
                : null).ConfigureAwait(false);

        var wanted = new Dictionary<UserId, bool>();
        var order = new List<UserId>();
        var unmatched = new Dictionary<Identifier, bool>();
        var matched = new HashSet<Identifier>();
        foreach (var (identifier, remove) in intents)
        {
            if (Matches(identifier, owners[identifier]) is { } user)
            {
                if (!wanted.ContainsKey(user))
                {
                    order.Add(user);
                }

                wanted[user] = !remove;
                matched.Add(identifier);
            }
            else
            {
                unmatched[identifier] = remove;
            }
        }

        return new MatchResult(
            [.. order.Select(user => new MembershipChange(user, wanted[user]))],
            [.. matched.Select(i => new MatchedIdentifier(i, owners[i]?.IndexedAt))],
            [.. unmatched.Select(u => new IdentifierIntent(u.Key, u.Value))]);
    }

    /// <summary>Identifiers no user can have (control characters, over-long) are unmatched without a read.</summary>
    private static bool CanBelongToAUser(Identifier identifier) =>
        IdentifierRules.IsValid(identifier.Value) && (identifier.AliasLabel is null || IdentifierRules.IsValid(identifier.AliasLabel));

    /// <summary>The matching rule for one identifier and the owner its index row names.</summary>
    public static UserId? Matches(Identifier identifier, IdentifierOwner? owner)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return owner switch
        {
            null => null,
            { Matchable: false } when identifier.Kind == IdentifierKind.DeviceId => null,
            _ => owner.UserId,
        };
    }
}
