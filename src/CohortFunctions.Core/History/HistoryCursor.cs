using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CohortFunctions.History;

/// <summary>
/// Where a walk through history stands: the UTC day whose records are being read and the time key of the last record
/// returned (<c>{inverted ticks}|{record id}</c>, the order records are stored in). Records are read in key order, so
/// resuming after that key returns each record at most once, also while new ones arrive.
/// </summary>
internal sealed partial record HistoryCursor(DateOnly Day, string After)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(Day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + ":" + After));

    /// <summary>Parses a continuation token; null or empty is the start (no cursor).</summary>
    public static bool TryParse(string? token, out HistoryCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(token))
        {
            return true;
        }

        if (token.Length > 96)
        {
            return false;
        }

        string text;
        try
        {
            text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            return false;
        }

        if (!Shape().IsMatch(text)
            || !DateOnly.TryParseExact(text.AsSpan(0, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return false;
        }

        cursor = new HistoryCursor(day, text[9..]);
        return true;
    }

    /// <summary>The time key of a record: newest first in ordinal order, the record id breaking ties.</summary>
    public static string TimeKey(DateTimeOffset at, string recordId) =>
        InvertedTicks(at) + "|" + recordId;

    /// <summary>Ticks counted down from the latest time there is, fixed-width, so the newest sorts first.</summary>
    public static string InvertedTicks(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\d{8}:\d{19}\|[0-9a-f]{32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
