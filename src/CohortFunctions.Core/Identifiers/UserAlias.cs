namespace CohortFunctions.Identifiers;

/// <summary>A user alias: <c>alias_label</c> is the key or type, <c>alias_name</c> the value.</summary>
internal sealed record UserAlias(string AliasName, string AliasLabel);
