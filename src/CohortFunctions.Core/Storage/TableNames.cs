namespace CohortFunctions.Storage;

/// <summary>Every table the app uses, with the configured prefix applied. Add a table here and it is created at start.</summary>
public sealed class TableNames(string prefix)
{
    /// <summary>Data import keys: a lookup row per key hash and a listing row per workspace and partner.</summary>
    public string ImportKeys { get; } = prefix + "importkeys";

    /// <summary>All table names, for provisioning.</summary>
    public IReadOnlyList<string> All => [ImportKeys];
}
