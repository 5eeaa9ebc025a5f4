using System.Globalization;
using System.Runtime.CompilerServices;
using CsvHelper;

namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// Reads a CSV user file (RFC 4180, UTF-8) with a header row. Each line is one user: a quoted field cannot span
/// lines (no identifier may hold a line break), so a bad quote spoils its own line only. Lines with bad quoting, a
/// field count other than the header's, or more than <see cref="UserFileReader.MaxLineBytes"/> bytes are reported
/// as malformed, with their line numbers, and never sent.
/// </summary>
internal sealed class CsvUserFileReader : IUserFileReader
{
    private const string Noun = "column";

    private readonly Stream _file;
    private readonly LineReader _lines;
    private readonly CsvReader _csv;
    private readonly UserMapping _mapping;
    private readonly PriorityQueue<UserRecord, long> _problems = new();
    private readonly Dictionary<string, int> _columns = new(StringComparer.Ordinal);
    private int _headerFields;

    private CsvUserFileReader(Stream file, UserMapping mapping)
    {
        _file = file;
        _mapping = mapping;
        _lines = new LineReader(file, UserFileReader.MaxLineBytes);
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            TrimWhitespace = true,
            SkipEmptyLines = true,
            AllowLineBreaksInQuotes = false,
            MalformedData = CsvMalformedDataHandling.Skip,
            FieldCountMismatch = CsvFieldCountHandling.Allow,

            // Values are identifiers, so they stay out of messages; line numbers go in every one.
            IncludeValuesInExceptions = false,
            TrackLineNumbers = true,
            OnMalformedRecord = record => Report(record.LineNumber, Quoting(record.Reason)),
        };
        _csv = CsvReader.Create(new LineLimitedStream(_lines, line => Report(line, UserFileReader.TooLongProblem)), options, leaveOpen: false);
    }

    public long FirstDataLine { get; private set; }

    public long LinesRead => _lines.LinesRead;

    public static async Task<CsvUserFileReader> OpenAsync(Stream file, UserMapping mapping, CancellationToken cancellationToken)
    {
        var reader = new CsvUserFileReader(file, mapping);
        try
        {
            await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            return reader;
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async IAsyncEnumerable<UserRecord> ReadAsync(Func<long, bool> skip, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skip);
        while (await _csv.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var line = _csv.LineNumber;

            // Problems are found ahead of the records (the over-long line guard reads ahead of the CSV reader): hand
            // on those before this line, so that records stay in line order.
            while (_problems.TryPeek(out var problem, out var at) && at < line)
            {
                _problems.Dequeue();
                if (!skip(at))
                {
                    yield return problem;
                }
            }

            if (!skip(line))
            {
                yield return Map(line);
            }
        }

        while (_problems.TryDequeue(out var problem, out var at))
        {
            if (!skip(at))
            {
                yield return problem;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _csv.DisposeAsync().ConfigureAwait(false);
        await _file.DisposeAsync().ConfigureAwait(false);
    }

    private UserRecord Map(long line)
    {
        if (_csv.FieldCount != _headerFields)
        {
            return UserRecord.Malformed(line, string.Create(CultureInfo.InvariantCulture, $"the line has {_csv.FieldCount} fields; the header has {_headerFields}."));
        }

        return _mapping.TryResolve(column => [_csv.GetString(_columns[column])], Noun, out var entry, out var problem)
            ? UserRecord.Valid(line, entry)
            : UserRecord.Malformed(line, problem);
    }

    private async Task ReadHeaderAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _csv.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CsvFormatException e)
        {
            throw new UserFileException($"The user file's header is not valid CSV: {e.Message}", e);
        }

        if (_csv.Headers.Count == 0)
        {
            throw new UserFileException("The user file is empty: a CSV user file needs a header row naming its columns.");
        }

        var header = _csv.LineNumber;
        if (_problems.TryPeek(out var problem, out var at) && at <= header)
        {
            throw new UserFileException($"Line {at} of the user file, at or before its header, is malformed: {problem.Problem}");
        }

        FirstDataLine = header + 1;
        _headerFields = _csv.Headers.Count;
        foreach (var column in _mapping.Columns)
        {
            if (!_csv.TryGetFieldIndex(column, out var index))
            {
                throw new UserFileException(
                    $"The user file has no column '{column}' named in the user mapping; its columns are: {string.Join(", ", _csv.Headers)}.");
            }

            _columns[column] = index;
        }
    }

    private void Report(long line, string problem) => _problems.Enqueue(UserRecord.Malformed(line, problem), line);

    private static string Quoting(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "bad CSV quoting: a quote inside an unquoted field.",
        CsvMalformedReason.TextAfterClosingQuote => "bad CSV quoting: text after a closing quote.",
        CsvMalformedReason.UnterminatedQuote or CsvMalformedReason.LineBreakInQuotes => "bad CSV quoting: a quoted field is not closed on its line.",
        CsvMalformedReason.FieldCountMismatch => "the line's field count differs from the header's.",
        _ => "bad CSV quoting.",
    };
}
