namespace CohortFunctions.ImportKeys;

/// <summary>A key as stored: the operator's view plus the hash the secret is recognised by.</summary>
internal sealed record StoredImportKey(DataImportKey Key, string SecretHash);
