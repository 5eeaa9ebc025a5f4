namespace CohortFunctions.CohortSync.Import;

/// <summary>One line of a UTF-8 file, without its line break.</summary>
/// <param name="Number">1-based, counting every line.</param>
/// <param name="Bytes">The line's bytes; empty when <paramref name="TooLong"/>. Valid until the next line is read.</param>
/// <param name="TooLong">The line is longer than the reader's limit: its bytes were dropped unread.</param>
internal readonly record struct Utf8Line(long Number, ReadOnlyMemory<byte> Bytes, bool TooLong);
