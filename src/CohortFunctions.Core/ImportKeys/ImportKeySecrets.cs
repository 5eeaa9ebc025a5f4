using System.Security.Cryptography;
using System.Text;

namespace CohortFunctions.ImportKeys;

/// <summary>
/// Generates data import keys and derives what is stored of them. Keys are 256 random bits, so a fast keyed hash
/// (HMAC-SHA256 under a fixed domain key) is as safe at rest as a slow password hash would be, and keeps each
/// postback's key check to one point read.
/// </summary>
internal static class ImportKeySecrets
{
    private static readonly byte[] HashKey = Encoding.UTF8.GetBytes("CohortFunctions.DataImportKey.v1");

    /// <summary>How many characters of the secret an operator may see again.</summary>
    public const int HintLength = 4;

    /// <summary>A new secret: 32 random bytes as 64 lower-case hex characters.</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new public key id.</summary>
    public static string NewKeyId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>The hash a secret is stored and looked up by.</summary>
    public static string Hash(string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(HashKey, Encoding.UTF8.GetBytes(secret)));

    /// <summary>Compares a presented secret's hash with the stored one in constant time.</summary>
    public static bool HashesMatch(string storedHash, string presentedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(storedHash), Encoding.ASCII.GetBytes(presentedHash));

    /// <summary>The part of a secret that may be shown and logged again: at most its first four characters.</summary>
    public static string Hint(string secret) => secret.Length <= HintLength ? secret : secret[..HintLength];
}
