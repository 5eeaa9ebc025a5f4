namespace CohortFunctions.ImportKeys;

/// <summary>Why a presented <c>client_secret</c> was or was not accepted.</summary>
internal enum ImportKeyStatus
{
    /// <summary>The key is valid for the partner that presented it.</summary>
    Valid,

    /// <summary>No key has this secret.</summary>
    Unknown,

    /// <summary>The key existed and was invalidated by the operator.</summary>
    Invalidated,

    /// <summary>The key is valid, but was generated for another partner.</summary>
    OtherPartner,
}
