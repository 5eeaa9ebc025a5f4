using CsvHelper;

namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// The lines of a user file that were not imported, as CSV: <c>line,kind,message</c>, where <c>kind</c> is
/// <c>malformed</c> (never sent, with why) or <c>rejected</c> (the users API's message for that entry). Appended to as
/// batches are acknowledged; a resumed import first cuts it back to its length at the last saved state, so that
/// no line is reported twice.
/// </summary>
internal sealed class RejectsFile : IAsyncDisposable
{
    public const string MalformedKind = "malformed";

    public const string RejectedKind = "rejected";

    private readonly FileStream _stream;
    private readonly CsvWriter _csv;

    private RejectsFile(FileStream stream)
    {
        _stream = stream;
        _csv = CsvWriter.Create(stream, CsvWriterOptions.Default, leaveOpen: true);
    }

    public string Path => _stream.Name;

    public long Length => _stream.Length;

    /// <summary>A warning for the operator when the file could not be resumed as it was left.</summary>
    public string? Warning { get; private init; }

    /// <summary>Creates the file afresh, or (<paramref name="resumeAt"/> given) opens it to go on from that length.</summary>
    /// <exception cref="UserFileException">The file cannot be created or opened.</exception>
    public static async Task<RejectsFile> OpenAsync(string path, long? resumeAt, CancellationToken cancellationToken)
    {
        string? warning = null;
        FileStream stream;
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            var exists = File.Exists(path);
            if (resumeAt is { } length && exists)
            {
                stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
                if (stream.Length < length)
                {
                    warning = $"the rejects file '{path}' is shorter than this import left it: some lines reported earlier are missing from it.";
                }

                stream.SetLength(Math.Min(stream.Length, length));
                stream.Seek(0, SeekOrigin.End);
                return new RejectsFile(stream) { Warning = warning };
            }

            if (resumeAt is > 0)
            {
                warning = $"the rejects file '{path}' of this import is gone: the lines reported before this run are missing from the new one.";
            }

            stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserFileException($"Cannot write the rejects file '{path}': {e.Message}", e);
        }

        var file = new RejectsFile(stream) { Warning = warning };
        await file.AppendAsync([("line", "kind", "message")], cancellationToken).ConfigureAwait(false);
        return file;
    }

    /// <summary>Writes the lines and flushes them to the file; returns its new length.</summary>
    public async Task<long> AppendAsync(IEnumerable<(string Line, string Kind, string Message)> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var (line, kind, message) in rows)
        {
            _csv.WriteRecord([line, kind, message]);
        }

        await _csv.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        return _stream.Length;
    }

    public async ValueTask DisposeAsync()
    {
        await _csv.DisposeAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
