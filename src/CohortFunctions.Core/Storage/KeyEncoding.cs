using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace CohortFunctions.Storage;

/// <summary>
/// Turns arbitrary user-supplied strings (any Unicode, including <c>/ \ # ?</c>, control characters and emoji) into
/// Table Storage key fragments, injectively. Letters, digits and <c>_ . -</c> stay as they are, so common ids stay
/// readable in a storage browser; every other UTF-8 byte becomes <c>~XX</c> (upper-case hex). A result longer than
/// <see cref="MaxEncodedLength"/> is replaced by <c>~h</c> plus the SHA-256 of the value (never produced by the
/// escaping, whose <c>~</c> is followed by an upper-case hex digit, or by <c>u</c> and a lone surrogate's code unit); rows keyed by a hashed fragment also store
/// the raw value, and readers compare it, so a collision can never merge two identifiers.
/// The output never contains <c>|</c>, which <see cref="StorageKeys"/> uses to join fragments.
/// </summary>
internal static class KeyEncoding
{
    /// <summary>Longest fragment kept readable; two fragments plus a workspace stay under Azurite's 512-character key limit.</summary>
    public const int MaxEncodedLength = 200;

    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length + 8);
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')
            {
                builder.Append(c);
            }
            else if (Rune.TryGetRuneAt(value, i, out var rune))
            {
                var written = rune.EncodeToUtf8(bytes);
                foreach (var b in bytes[..written])
                {
                    builder.Append('~').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }

                i += rune.Utf16SequenceLength - 1;
            }
            else
            {
                // A lone surrogate has no UTF-8 form: "~u" and its code unit keeps it apart from U+FFFD.
                builder.Append("~u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
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

    /// <summary>Hashes the UTF-16 code units themselves, so strings differing only in lone surrogates hash apart.</summary>
    private static string Hashed(string value) =>
        "~h" + Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(value.AsSpan())));
}
