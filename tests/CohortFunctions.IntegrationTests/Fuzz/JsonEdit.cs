namespace CohortFunctions.IntegrationTests.Fuzz;

/// <summary>
/// One change to one member of an object or item of an array of a request body: what a careless or hostile sender
/// does to a valid request. <see cref="Apply(Json, int, JsonEdit)"/> finds the slot by its pre-order number.
/// </summary>
public abstract record JsonEdit
{
    /// <summary>What the slot becomes: nothing (removed), itself changed, or several members.</summary>
    public abstract IEnumerable<(string Name, Json Value)> Apply(string name, Json value);

    /// <summary>How many members and items <paramref name="root"/> has, at any depth.</summary>
    public static int SlotCount(Json root) => root switch
    {
        JObj o => o.Members.Sum(m => 1 + SlotCount(m.Value)),
        JArr a => a.Items.Sum(i => 1 + SlotCount(i)),
        _ => 0,
    };

    /// <summary>Applies <paramref name="edit"/> at slot <paramref name="target"/>; returns the new tree and the slot's path.</summary>
    public static (Json Root, string Path) Apply(Json root, int target, JsonEdit edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var counter = 0;
        var path = "";
        var result = Walk(root, "$", target, edit, ref counter, ref path);
        return (result, path);
    }

    private static Json Walk(Json node, string at, int target, JsonEdit edit, ref int counter, ref string path)
    {
        switch (node)
        {
            case JObj o:
                var members = new List<(string, Json)>(o.Members.Count + 1);
                foreach (var (name, value) in o.Members)
                {
                    var here = $"{at}.{name}";
                    if (counter++ == target)
                    {
                        path = here;
                        members.AddRange(edit.Apply(name, value));
                    }
                    else
                    {
                        members.Add((name, Walk(value, here, target, edit, ref counter, ref path)));
                    }
                }

                return new JObj(members);
            case JArr a:
                var items = new List<Json>(a.Items.Count + 1);
                for (var i = 0; i < a.Items.Count; i++)
                {
                    var here = $"{at}[{i}]";
                    if (counter++ == target)
                    {
                        path = here;
                        items.AddRange(edit.Apply("", a.Items[i]).Select(m => m.Value));
                    }
                    else
                    {
                        items.Add(Walk(a.Items[i], here, target, edit, ref counter, ref path));
                    }
                }

                return new JArr(items);
            default:
                return node;
        }
    }
}

public sealed record ReplaceEdit(Json With) : JsonEdit
{
    public override IEnumerable<(string Name, Json Value)> Apply(string name, Json value) => [(name, With)];

    public override string ToString() => $"replace with {With}";
}

public sealed record RemoveEdit : JsonEdit
{
    public override IEnumerable<(string Name, Json Value)> Apply(string name, Json value) => [];

    public override string ToString() => "remove";
}

/// <summary>The same name twice, the hostile value first or last: which one a parser takes must not matter.</summary>
public sealed record DuplicateEdit(Json With, bool Before) : JsonEdit
{
    public override IEnumerable<(string Name, Json Value)> Apply(string name, Json value) =>
        Before ? [(name, With), (name, value)] : [(name, value), (name, With)];

    public override string ToString() => $"duplicate {(Before ? "before" : "after")} with {With}";
}

public sealed record RenameEdit(string NewName) : JsonEdit
{
    public override IEnumerable<(string Name, Json Value)> Apply(string name, Json value) => [(NewName, value)];

    public override string ToString() => $"rename to {new JStr(NewName)}";
}

/// <summary>A sibling member (or item) next to the slot, e.g. an unknown field with a hostile name and value.</summary>
public sealed record AddSiblingEdit(string Name, Json With) : JsonEdit
{
    public override IEnumerable<(string Name, Json Value)> Apply(string name, Json value) => [(name, value), (Name, With)];

    public override string ToString() => $"add sibling {new JStr(Name)}: {With}";
}
