using System.Collections.Concurrent;
using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Memberships;
using CohortFunctions.Partners;
using CohortFunctions.Results;
using CohortFunctions.Resync;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Options;

namespace CohortFunctions.Users;

/// <summary>
/// <c>GET .../users/lookup</c>: the user holding an external id, device id (matchable or not) or alias, and where it
/// stands in each cohort of the workspace — a member since when and added by what (a postback, a resync pass, a
/// merge), waiting for a resync pass (an identifier of the user was sent before it matched), or neither.
/// <para>
/// Cost: one query of the workspace's cohorts, one member point read per cohort, and in each cohort that has
/// pending identifiers one point read per identifier of the user that could match it now (its external id and
/// aliases, and its device ids while it is anonymous), all 32 at a time. It grows with the number of cohorts, never
/// with their sizes.
/// </para>
/// </summary>
internal sealed class UserLookup(
    IUserStore store,
    IIdentifierIndex index,
    ICohortStore cohorts,
    IMembershipStore memberships,
    IPendingStore pending,
    PartnerCatalog partners,
    TimeProvider time,
    IOptions<ResyncOptions> resync)
{
    internal const string NotFoundMessage = UserService.NotFoundMessage;

    private const int ReadParallelism = 32;

    public async Task<Result<UserDetails>> LookupAsync(string? workspace, Identifier identifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        if (UserEntryValidation.LookupError(identifier) is { } invalid)
        {
            return Failure.Invalid(invalid);
        }

        var owner = await index.FindAsync(ws, identifier, cancellationToken).ConfigureAwait(false);
        var stored = owner is null ? null : await store.GetAsync(ws, owner.UserId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return Failure.NotFound(NotFoundMessage);
        }

        var standings = await StandingsAsync(ws, stored.Profile, cancellationToken).ConfigureAwait(false);
        return new UserDetails(stored.Profile, [.. standings.Where(s => s.State == CohortState.Member).Select(s => s.Cohort)], standings);
    }

    /// <summary>Where the user stands in every cohort of the workspace, by partner and cohort id.</summary>
    private async Task<List<CohortStanding>> StandingsAsync(WorkspaceId workspace, UserProfile profile, CancellationToken cancellationToken)
    {
        var all = await cohorts.ListAsync(workspace, cancellationToken).ConfigureAwait(false);
        var matchable = Matchable(profile);
        var expiredBefore = time.GetUtcNow() - resync.Value.Retention;
        var standings = new ConcurrentBag<CohortStanding>();
        await Parallel.ForEachAsync(
            all,
            new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = cancellationToken },
            async (cohort, ct) =>
            {
                var membership = await memberships.GetAsync(workspace, cohort.Ref, profile.UserId, ct).ConfigureAwait(false);
                var waiting = cohort.HasPending && matchable.Count > 0
                    ? await pending.FindAsync(workspace, cohort.Ref, matchable, ct).ConfigureAwait(false)
                    : [];

                // The newest live intent is the one a pass leaves in place (it applies them oldest first).
                var change = waiting
                    .Where(p => !p.Superseded && p.At >= expiredBefore)
                    .OrderByDescending(p => p.At)
                    .Select(p => new PendingChange(p.Identifier.Kind, p.Remove, p.At))
                    .FirstOrDefault();
                var state = membership is not null ? CohortState.Member
                    : change is { Remove: false } ? CohortState.Pending
                    : CohortState.NotMember;
                standings.Add(new CohortStanding(cohort.Ref, DisplayName(cohort), state, membership, change));
            }).ConfigureAwait(false);
        return [.. standings.OrderBy(s => s.Cohort.Partner, StringComparer.Ordinal).ThenBy(s => s.Cohort.CohortId, StringComparer.Ordinal)];
    }

    /// <summary>The identifiers of the user that a resync pass would match now, by Braze's rules (<see cref="IdentifierMatcher"/>).</summary>
    private static List<Identifier> Matchable(UserProfile profile)
    {
        var identifiers = new List<Identifier>();
        if (profile.ExternalId is { } externalId)
        {
            identifiers.Add(Identifier.External(externalId));
        }
        else
        {
            identifiers.AddRange(profile.DeviceIds.Select(Identifier.Device));
        }

        identifiers.AddRange(profile.Aliases.Select(Identifier.Alias));
        return identifiers;
    }

    private string DisplayName(Cohort cohort) =>
        cohort.DisplayName(partners.TryGet(cohort.Ref.Partner, out var partner) ? partner.DisplayName : cohort.Ref.Partner);
}
