namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// Reads a UTF-8 stream line by line (<c>\n</c> or <c>\r\n</c>) in a buffer of fixed size, so that memory stays
/// bounded however large the file and however long its lines: a line longer than the limit is dropped as it is
/// read and returned as <see cref="Utf8Line.TooLong"/>, never held whole.
/// </summary>
internal sealed class LineReader(Stream stream, int maxLineBytes)
{
    private const int ChunkBytes = 64 * 1024;

    private readonly byte[] _buffer = new byte[maxLineBytes + 1 + ChunkBytes];
    private int _start;
    private int _scanned;
    private int _end;
    private bool _endOfStream;
    private bool _dropping;

    /// <summary>The lines returned so far; at the end of the stream, the number of lines it has.</summary>
    public long LinesRead { get; private set; }

    /// <summary>The next line, or <c>null</c> at the end of the stream. Its bytes are valid until the next call.</summary>
    public async ValueTask<Utf8Line?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var end = _scanned + newline;
                var line = Take(_start, end);
                _start = _scanned = end + 1;
                return line;
            }

            _scanned = _end;

            // One more byte than the limit may be a '\r' before the line break.
            if (_end - _start > maxLineBytes + 1)
            {
                _dropping = true;
                _start = _scanned = _end = 0;
            }

            if (_endOfStream)
            {
                if (_end > _start || _dropping)
                {
                    var line = Take(_start, _end);
                    _start = _scanned = _end;
                    return line;
                }

                return null;
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                (_end, _scanned, _start) = (_end - _start, _scanned - _start, 0);
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            _endOfStream = read == 0;
            _end += read;
        }
    }

    private Utf8Line Take(int start, int end)
    {
        LinesRead++;
        if (_dropping)
        {
            _dropping = false;
            return new Utf8Line(LinesRead, ReadOnlyMemory<byte>.Empty, TooLong: true);
        }

        if (end > start && _buffer[end - 1] == (byte)'\r')
        {
            end--;
        }

        return end - start > maxLineBytes
            ? new Utf8Line(LinesRead, ReadOnlyMemory<byte>.Empty, TooLong: true)
            : new Utf8Line(LinesRead, _buffer.AsMemory(start, end - start), TooLong: false);
    }
}
