namespace CohortFunctions.Users;

/// <summary>What an attempt to add an identifier index row found.</summary>
internal enum ClaimStatus
{
    /// <summary>The row was added: the identifier is the owner's now.</summary>
    Added,

    /// <summary>A row for the identifier exists (its owner may be the claimant itself).</summary>
    Held,

    /// <summary>A row existed when the add was refused but was gone when read: try again.</summary>
    Vanished,

    /// <summary>The row's key is taken by a different identifier (a hash collision): the identifier cannot be indexed.</summary>
    Collision,
}
