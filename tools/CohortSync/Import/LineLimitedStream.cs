namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// A read-only view of a UTF-8 stream in which every line longer than a <see cref="LineReader"/>'s limit is
/// replaced by an empty line (reported to <c>onTooLong</c> with its number) and every line ends with <c>\n</c>. The
/// CSV reader reads through it, so a single huge line can neither exhaust memory nor stop the import, and line
/// numbers stay those of the file.
/// </summary>
internal sealed class LineLimitedStream(LineReader lines, Action<long> onTooLong) : Stream
{
    private ReadOnlyMemory<byte> _pending;
    private bool _newlinePending;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var written = 0;
        while (written < buffer.Length)
        {
            if (_pending.Length > 0)
            {
                var count = Math.Min(_pending.Length, buffer.Length - written);
                _pending[..count].CopyTo(buffer[written..]);
                _pending = _pending[count..];
                written += count;
            }
            else if (_newlinePending)
            {
                buffer.Span[written++] = (byte)'\n';
                _newlinePending = false;
            }
            else if (await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.TooLong)
                {
                    onTooLong(line.Number);
                }

                // Copied out before the next line is read, which may move the reader's buffer.
                _pending = line.Bytes;
                _newlinePending = true;
            }
            else
            {
                break;
            }
        }

        return written;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
