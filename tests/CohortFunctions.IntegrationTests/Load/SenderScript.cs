using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Load;

/// <summary>One postback of a <see cref="SenderScript"/>: its adds and removes (every id once) and the exact answer it must get.</summary>
public sealed record ScriptedPostback(IReadOnlyList<string> Adds, IReadOnlyList<string> Removes, PostbackCounts Expected)
{
    /// <summary>As senders write it: an add object, then a remove object.</summary>
    public TestChange[] Changes => [TestChange.Add([.. Adds]), TestChange.Remove([.. Removes])];
}

/// <summary>
/// A sender's postbacks into one cohort, generated from a seed, and the sequential model of what they must do. The
/// sender alone sends these users to this cohort and waits for each answer before the next postback, so the model is
/// exact whatever other senders do at the same time: every answer's counts, the final members and the data points.
/// </summary>
public sealed class SenderScript
{
    private SenderScript(IReadOnlyList<ScriptedPostback> postbacks, IReadOnlySet<string> finalMembers)
    {
        Postbacks = postbacks;
        FinalMembers = finalMembers;
    }

    public IReadOnlyList<ScriptedPostback> Postbacks { get; }

    /// <summary>The external ids that are members after the last postback.</summary>
    public IReadOnlySet<string> FinalMembers { get; }

    /// <summary>Effective changes over all postbacks: the data points they count.</summary>
    public long DataPoints => Postbacks.Sum(p => (long)p.Expected.DataPoints);

    /// <summary>
    /// <paramref name="postbacks"/> postbacks of <paramref name="idsPerPostback"/> ids: a random choice of
    /// <paramref name="users"/> (existing users), plus <paramref name="unmatchedPerPostback"/> of
    /// <paramref name="unknown"/> (ids no user has).
    /// </summary>
    public static SenderScript Generate(
        int seed,
        IReadOnlyList<string> users,
        IReadOnlyList<string> unknown,
        int postbacks,
        int idsPerPostback,
        int unmatchedPerPostback)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(unknown);
        var matchedPerPostback = idsPerPostback - unmatchedPerPostback;
        if (matchedPerPostback > users.Count || unmatchedPerPostback > unknown.Count)
        {
            throw new ArgumentException("A postback cannot name an id twice: give more users or unknown ids.");
        }

        var random = new Random(seed);
        var members = new HashSet<string>(StringComparer.Ordinal);
        var script = new List<ScriptedPostback>(postbacks);
        for (var k = 0; k < postbacks; k++)
        {
            // Three kinds of postback in turn, as senders send them. A delta (an incremental sync: every change
            // effective, so the store's optimistic first try commits). A full re-send (cohort-sync --full: everyone
            // in the cohort as adds, members or not, and the leavers as removes). A sender that lost its state
            // (random intents, mostly adding then mostly removing: no-ops of both kinds, the read-and-retry path).
            var kind = k % 3;
            var addShare = k % 2 == 0 ? 0.7 : 0.3;
            var adds = new List<string>();
            var removes = new List<string>();
            int added = 0, removed = 0, unchanged = 0;
            foreach (var id in Pick(random, users, matchedPerPostback))
            {
                var isMember = members.Contains(id);
                var add = kind switch
                {
                    0 => !isMember,
                    1 => !isMember || random.NextDouble() < 0.5,
                    _ => random.NextDouble() < addShare,
                };
                (add ? adds : removes).Add(id);
                if (add == isMember)
                {
                    unchanged++;
                }
                else if (add)
                {
                    members.Add(id);
                    added++;
                }
                else
                {
                    members.Remove(id);
                    removed++;
                }
            }

            foreach (var id in Pick(random, unknown, unmatchedPerPostback))
            {
                (random.NextDouble() < 0.5 ? adds : removes).Add(id);
            }

            script.Add(new ScriptedPostback(adds, removes, new PostbackCounts(added, removed, unchanged, unmatchedPerPostback, added + removed)));
        }

        return new SenderScript(script, members);
    }

    private static string[] Pick(Random random, IReadOnlyList<string> from, int count)
    {
        var all = from.ToArray();
        random.Shuffle(all);
        return all[..count];
    }
}
