using System.Globalization;
using System.Text;

namespace CohortFunctions.IntegrationTests.Fuzz;

/// <summary>
/// JSON as a hostile sender writes it. System.Text.Json cannot write what the fuzz needs (duplicate keys, escaped
/// lone surrogates, broken tokens), so request bodies are built from this small tree and written by hand.
/// </summary>
public abstract record Json
{
    public abstract void Write(StringBuilder text);

    /// <summary>
    /// Stands for bytes that are not UTF-8 inside a string: <see cref="Utf8"/> writes it as <c>0xFF</c>, which no
    /// UTF-8 text contains. (A .NET string cannot hold such bytes itself.)
    /// </summary>
    public const string NotUtf8 = "\uE0FF";

    public string Text()
    {
        var text = new StringBuilder();
        Write(text);
        return text.ToString();
    }

    /// <summary>The body as sent: UTF-8, except each <see cref="NotUtf8"/> becomes the byte <c>0xFF</c>.</summary>
    public byte[] Utf8() => ReplaceNotUtf8(Encoding.UTF8.GetBytes(Text()));

    /// <summary>Replaces the UTF-8 form of <see cref="NotUtf8"/> (EE 83 BF) by the invalid byte 0xFF.</summary>
    public static byte[] ReplaceNotUtf8(byte[] utf8)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        var marker = Encoding.UTF8.GetBytes(NotUtf8);
        var output = new List<byte>(utf8.Length);
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8.AsSpan(i).StartsWith(marker))
            {
                output.Add(0xFF);
                i += marker.Length - 1;
            }
            else
            {
                output.Add(utf8[i]);
            }
        }

        return [.. output];
    }

    public static Json Str(string value) => new JStr(value);

    public static Json Raw(string text) => new JRaw(text);

    public static Json Arr(params Json[] items) => new JArr(items);

    public static Json Obj(params (string Name, Json Value)[] members) => new JObj(members);

    /// <summary>A JSON string literal; lone surrogates (and everything when <paramref name="escapeAll"/>) as <c>\uXXXX</c>.</summary>
    public static void WriteString(StringBuilder text, string value, bool escapeAll = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(value);
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);
            if (c == '"' || c == '\\')
            {
                text.Append('\\').Append(c);
            }
            else if (c < 0x20 || (escapeAll && c > 0x7E) || (char.IsSurrogate(c) && !pair))
            {
                text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else if (pair)
            {
                text.Append(c).Append(value[++i]);
            }
            else
            {
                text.Append(c);
            }
        }

        text.Append('"');
    }
}

/// <summary>A string value; <see cref="EscapeAll"/> writes every non-ASCII character escaped.</summary>
public sealed record JStr(string Value, bool EscapeAll = false) : Json
{
    public override void Write(StringBuilder text) => WriteString(text, Value, EscapeAll);

    public override string ToString() => Value.Length > 60 ? $"\"{Value[..40]}…\" ({Value.Length} chars)" : $"\"{Value}\"";
}

/// <summary>Text written as is: numbers, literals, deep nesting, or tokens that are not JSON at all.</summary>
public sealed record JRaw(string Token) : Json
{
    public override void Write(StringBuilder text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Append(Token);
    }

    public override string ToString() => Token.Length > 60 ? $"{Token[..40]}… ({Token.Length} chars)" : Token;
}

public sealed record JArr(IReadOnlyList<Json> Items) : Json
{
    public override void Write(StringBuilder text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Append('[');
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            Items[i].Write(text);
        }

        text.Append(']');
    }

    public override string ToString() => Items.Count > 5 ? $"[{Items.Count} items]" : $"[{string.Join(", ", Items)}]";
}

/// <summary>An object; members keep their order and names may repeat.</summary>
public sealed record JObj(IReadOnlyList<(string Name, Json Value)> Members) : Json
{
    public override void Write(StringBuilder text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Append('{');
        for (var i = 0; i < Members.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            WriteString(text, Members[i].Name);
            text.Append(':');
            Members[i].Value.Write(text);
        }

        text.Append('}');
    }

    public override string ToString() => "{" + string.Join(", ", Members.Select(m => $"{m.Name}: {m.Value}")) + "}";
}
