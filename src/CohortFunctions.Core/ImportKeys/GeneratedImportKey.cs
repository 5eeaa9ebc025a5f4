namespace CohortFunctions.ImportKeys;

/// <summary>A freshly generated key: the only moment the secret exists outside the sender's hands.</summary>
internal sealed record GeneratedImportKey(DataImportKey Key, string Secret);
