using System.Security.Cryptography;
using System.Text;

namespace CohortFunctions.Storage;

/// <summary>
/// Turns arbitrary user-supplied strings (any Unicode, including <c>/ \ # ?</c>, control characters and emoji) into
/// Table Storage key fragments, injectively. Letters, digits and <c>_ . -</c> stay as they are, so common ids stay
/// readable in a storage browser; every other UTF-8 byte becomes <c>~XX</c> (upper-case hex). A result longer than
/// <see cref="MaxEncodedLength"/> is replaced by <c>~h</c> plus the SHA-256 of the value (never produced by the
/// escaping, whose <c>~</c> is always followed by an upper-case hex digit); rows keyed by a hashed fragment also store
/// the raw value, and readers compare it, so a collision can never merge two identifiers.
/// The output never contains <c>|</c>, which <see cref="StorageKeys"/> uses to join fragments.
/// </summary>
public static class KeyEncoding
{
    /// <summary>Longest fragment kept readable; two fragments plus a workspace stay under Azurite's 512-character key limit.</summary>
    public const int MaxEncodedLength = 200;

    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length + 8);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || rune.Value is '_' or '.' or '-'))
            {
                builder.Append((char)rune.Value);
            }
            else
            {
                var written = rune.EncodeToUtf8(bytes);
                foreach (var b in bytes[..written])
                {
                    builder.Append('~').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            if (builder.Length > MaxEncodedLength)
            {
                return Hashed(value);
            }
        }

        return builder.ToString();
    }

    /// <summary>Whether <see cref="Encode"/> had to hash the value behind <paramref name="encoded"/>, so the row must carry the raw value.</summary>
    public static bool IsHashed(string encoded) => encoded.StartsWith("~h", StringComparison.Ordinal);

    private static string Hashed(string value) =>
        "~h" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
