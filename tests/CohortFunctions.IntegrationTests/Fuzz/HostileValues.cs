using System.Globalization;
using System.Text;
using CsCheck;

namespace CohortFunctions.IntegrationTests.Fuzz;

/// <summary>
/// CsCheck generators of what a hostile sender puts where a request expects an id, a string, a number: every
/// character a storage key forbids, control characters, lone surrogates, length edges, wrong types, huge numbers,
/// deep nesting, 10,000-element arrays, 1 MB strings, times at the ends of what can be stored. None of the pieces can spell the words
/// <see cref="ResponseSafety"/> looks for, so a response containing one did not echo it.
/// </summary>
public static class HostileValues
{
    public const int OneMegabyte = 1024 * 1024;

    /// <summary>Pieces of hostile ids: the characters Table Storage keys forbid, separators, escapes, odd Unicode.</summary>
    public static readonly IReadOnlyList<string> Pieces =
    [
        .. (string[])["/", "\\", "#", "?", "|", "~", "%", "%2F", "%25", "~2F", "~h", "..", ".", " ", "\"", "'", "+", "&", "=", ";", "*", "<b>", "{}", "[]"],
        .. (string[])["a", "b", "Z", "0", "9", "_", "-", "é", "ß", "日本", "🧪", "\u202E", "\uFEFF", "\uFFFF", "\uFFFE", "\u00A0", "\u2028", "\u0301"],
        .. (string[])["\uD800", "\uDC00", "\uDBFF", "\uD83D", Json.NotUtf8],
        .. Enumerable.Range(0x00, 0x20).Select(c => ((char)c).ToString()),
        .. Enumerable.Range(0x7F, 0x21).Select(c => ((char)c).ToString()),
    ];

    /// <summary>Strings at and past the length limits, or empty.</summary>
    public static readonly IReadOnlyList<string> EdgeStrings =
    [
        "", "   ", "\t",
        new string('x', 1024), new string('x', 1025), new string('x', 1023) + "🧪", new string('é', 1024), string.Concat(Enumerable.Repeat("🧪", 600)),
        new string('a', OneMegabyte),
    ];

    /// <summary>Numbers a parser may choke on: overflow, underflow, negative zero, beyond 64 bits.</summary>
    public static readonly IReadOnlyList<string> Numbers =
    [
        "0", "-0", "1", "-1", "1.5", "1e309", "-1e309", "1E400", "1e-400", "123456789012345678901234567890",
        "9223372036854775808", "-9223372036854775809", "4294967296", "0.1e1", "2.5e-3", "1000", "1001", "-1000000000000",
    ];

    /// <summary>Times at and past what can be stored or computed with (Table Storage keeps 1601 on; DateTimeOffset ends in 9999).</summary>
    public static readonly IReadOnlyList<string> Times =
    [
        "0001-01-01", "0001-01-01T00:00:00+14:00", "1600-12-31T23:59:59Z", "1601-01-01T00:00:00Z", "9998-12-31T23:59:59Z", "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59-14:00", "2021-02-29", "2020-02-29T24:00:00Z", "2021-01-21T19:20:30.123456789+05:00", "2021-01-21 19:20", "20210121",
    ];

    /// <summary>Tokens that are not JSON: any body containing one is malformed.</summary>
    public static readonly IReadOnlyList<string> BrokenTokens =
    [
        "NaN", "Infinity", "-Infinity", "undefined", "'single'", "01", "+1", ".5", "1.", "0x1F", "tru", "nul",
        "\"unterminated", "[1,]", "{,}", "/* c */ 1", "{\"a\" 1}", "\"\\x41\"", "\"\\u12\"", "\"tab\there\"",
    ];

    public static readonly Gen<string> Piece = Gen.OneOf([.. Pieces]);

    /// <summary>A hostile id: a mix of pieces, or a length edge (rarely a 1 MB string).</summary>
    public static readonly Gen<string> Id = Gen.Frequency(
        (12, Piece.Array[1, 12].Select(string.Concat)),
        (2, Gen.OneOf([.. EdgeStrings.Take(EdgeStrings.Count - 1)])),
        (1, Gen.Const(EdgeStrings[^1])));

    /// <summary>An id short enough for a URL (the request line stays far below Kestrel's 8 KiB).</summary>
    public static readonly Gen<string> UrlId = Gen.Frequency(
        (12, Piece.Array[1, 12].Select(string.Concat)),
        (2, Gen.OneOf("", " ", new string('x', 1024), new string('x', 1025), new string('x', 1023) + "🧪")));

    /// <summary>Percent-escapes that do not decode cleanly.</summary>
    public static readonly Gen<string> BrokenEscape = Gen.OneOf("%", "%Z1", "%C3", "%ED%A0%80", "%C0%AF", "%FF", "%00", "%2F", "%252F", "%2e%2e", "%%", "%u0041");

    private static readonly Json TenThousandStrings = new JArr([.. Enumerable.Range(0, 10_000).Select(i => (Json)new JStr("u" + i.ToString(CultureInfo.InvariantCulture)))]);
    private static readonly Json TenThousandNumbers = new JArr([.. Enumerable.Range(0, 10_000).Select(i => (Json)new JRaw(i.ToString(CultureInfo.InvariantCulture)))]);
    private static readonly Json ThousandAndOneIds = new JArr([.. Enumerable.Range(0, 1001).Select(i => (Json)new JStr("id-" + i.ToString(CultureInfo.InvariantCulture)))]);

    /// <summary>Nesting of <paramref name="depth"/> arrays, written flat so no recursion is needed to write it.</summary>
    public static Json Nested(int depth) => new JRaw(new string('[', depth) + new string(']', depth));

    /// <summary>Any hostile JSON value.</summary>
    public static readonly Gen<Json> Value = Gen.Frequency(
        (6, Id.Select(s => (Json)new JStr(s))),
        (1, Id.Select(s => (Json)new JStr(s, EscapeAll: true))),
        (3, Gen.OneOf([.. Numbers]).Select(n => (Json)new JRaw(n))),
        (2, Gen.OneOf("true", "false", "null").Select(n => (Json)new JRaw(n))),
        (1, Gen.OneOf([.. Times]).Select(t => (Json)new JStr(t))),
        (1, Gen.OneOf<Json>(new JArr([]), new JObj([]))),
        (2, Id.Array[1, 5].Select(ids => (Json)new JArr([.. ids.Select(s => (Json)new JStr(s))]))),
        (1, Gen.OneOf(TenThousandStrings, TenThousandNumbers, ThousandAndOneIds)),
        (1, Gen.OneOf(31, 32, 33, 64, 1000, 100_000).Select(Nested)),
        (2, Gen.Select(Id, Id, (name, label) => (Json)new JObj([("alias_name", new JStr(name)), ("alias_label", new JStr(label))]))),
        (1, Gen.Select(Id, Id, (a, b) => (Json)new JObj([("k", new JStr(a)), ("k", new JStr(b))]))),
        (1, Gen.OneOf([.. BrokenTokens]).Select(t => (Json)new JRaw(t))));

    /// <summary>A hostile property name: unknown, empty, control characters, lone surrogates, or a known name in another case.</summary>
    public static readonly Gen<string> Name = Gen.Frequency(
        (4, Piece.Array[1, 6].Select(string.Concat)),
        (1, Gen.OneOf("", "Cohort_Id", "COHORT_ID", "cohort_id ", "client_secret\u0000", "user_ids\uD800", "\uD800", "__proto__", "$type", "constructor")));

    /// <summary>Any edit of one member or item.</summary>
    public static readonly Gen<JsonEdit> Edit = Gen.Frequency(
        (6, Value.Select(v => (JsonEdit)new ReplaceEdit(v))),
        (2, Gen.Const<JsonEdit>(new RemoveEdit())),
        (2, Gen.Select(Value, Gen.Bool, (v, before) => (JsonEdit)new DuplicateEdit(v, before))),
        (1, Name.Select(n => (JsonEdit)new RenameEdit(n))),
        (1, Gen.Select(Name, Value, (n, v) => (JsonEdit)new AddSiblingEdit(n, v))));

    /// <summary>Byte sequences that are not UTF-8 (and a NUL, which JSON forbids raw).</summary>
    public static readonly IReadOnlyList<byte[]> InvalidUtf8 =
    [
        [0xFF], [0xFE], [0x80], [0xC3], [0xC0, 0xAF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x00],
    ];

    /// <summary>Percent-encodes every UTF-8 byte but the unreserved ones (lone surrogates become U+FFFD, <see cref="Json.NotUtf8"/> %FF).</summary>
    public static string UrlEncode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder();
        foreach (var b in Json.ReplaceNotUtf8(Encoding.UTF8.GetBytes(value)))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    /// <summary>Draws one value from <paramref name="gen"/>: every draw of a run comes from one seeded PCG, so a run repeats exactly.</summary>
    public static T Draw<T>(this Gen<T> gen, PCG pcg)
    {
        ArgumentNullException.ThrowIfNull(gen);
        return gen.Generate(pcg, null, out _);
    }
}
