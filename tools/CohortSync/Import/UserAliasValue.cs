namespace CohortFunctions.CohortSync.Import;

/// <summary>An alias of an entry: <c>{"alias_name": Name, "alias_label": Label}</c>.</summary>
public sealed record UserAliasValue(string Name, string Label);
