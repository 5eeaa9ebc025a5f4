using CohortFunctions.Identifiers;

namespace CohortFunctions.Users;

/// <summary>
/// Splits a batch request's entries into groups that share no identifier, transitively: entries naming the same
/// identifier land in one group and are applied one after another in request order (a later duplicate then sees the
/// earlier one's user), while different groups run in parallel without racing each other.
/// </summary>
internal static class EntryGroups
{
    public static IReadOnlyList<IReadOnlyList<T>> Of<T>(IReadOnlyList<T> entries, Func<T, IEnumerable<Identifier>> identifiers)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(identifiers);
        var parent = Enumerable.Range(0, entries.Count).ToArray();
        var firstWith = new Dictionary<Identifier, int>();
        for (var i = 0; i < entries.Count; i++)
        {
            foreach (var identifier in identifiers(entries[i]))
            {
                if (firstWith.TryGetValue(identifier, out var other))
                {
                    Union(parent, i, other);
                }
                else
                {
                    firstWith[identifier] = i;
                }
            }
        }

        var groups = new Dictionary<int, List<T>>();
        var order = new List<List<T>>();
        for (var i = 0; i < entries.Count; i++)
        {
            var root = Find(parent, i);
            if (!groups.TryGetValue(root, out var group))
            {
                groups[root] = group = [];
                order.Add(group);
            }

            group.Add(entries[i]);
        }

        return order;
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }

        return i;
    }

    private static void Union(int[] parent, int a, int b)
    {
        var (rootA, rootB) = (Find(parent, a), Find(parent, b));
        if (rootA != rootB)
        {
            parent[Math.Max(rootA, rootB)] = Math.Min(rootA, rootB);
        }
    }
}
