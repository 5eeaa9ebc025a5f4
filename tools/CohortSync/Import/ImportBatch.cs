using System.Globalization;

namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// One users request and the lines it answers for. Batches tile the file: each covers the lines after the previous
/// one's <see cref="LastLine"/> up to its own, so once acknowledged, every line of that range is done (sent, or
/// reported as malformed) and a resumed import never reads it again.
/// </summary>
/// <param name="Number">1-based, in reading order within one run.</param>
/// <param name="FirstLine">The first line it covers.</param>
/// <param name="LastLine">The last line it covers: its last user's or malformed line's.</param>
/// <param name="Body">The request body, <c>{"users": [...]}</c>; empty when the batch has no users.</param>
/// <param name="EntryLines">The line of each user, by its index in <c>users</c> (the API's <c>errors[].index</c>).</param>
/// <param name="Malformed">The malformed lines it covers: reported when it is acknowledged, never sent.</param>
internal sealed record ImportBatch(int Number, long FirstLine, long LastLine, ReadOnlyMemory<byte> Body, IReadOnlyList<long> EntryLines, IReadOnlyList<UserRecord> Malformed)
{
    public int Users => EntryLines.Count;

    public string Name => string.Create(CultureInfo.InvariantCulture, $"batch {Number} (lines {FirstLine:N0}-{LastLine:N0})");
}
