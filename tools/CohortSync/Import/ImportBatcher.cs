using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// Groups the records of a user file into users requests of at most <c>batchSize</c> users and
/// <see cref="MaxRequestBytes"/> bytes, as they are read: only the batches being filled or sent are in memory.
/// </summary>
internal sealed class ImportBatcher(int batchSize)
{
    /// <summary>The largest request body sent: under the app's 4 MiB limit of a request body.</summary>
    public const int MaxRequestBytes = 4_000_000;

    /// <summary>The largest user, as JSON; a larger one is malformed. The users API rejects far smaller ones anyway.</summary>
    public const int MaxEntryBytes = 1024 * 1024;

    /// <summary>Malformed lines one batch carries at most, so that a long run of them is reported as it goes.</summary>
    public const int MaxMalformedPerBatch = 1000;

    public const string TooLargeProblem = "the user is larger than 1 MiB as JSON.";

    public const string NotUnicodeProblem = "the line is not valid Unicode.";

    private static readonly byte[] Opening = "{\"users\":["u8.ToArray();

    private static readonly byte[] Closing = "]}"u8.ToArray();

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Identifiers are sent as they are, not as \u escapes: emoji and accents then cost their UTF-8 size only.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    public async IAsyncEnumerable<ImportBatch> BatchAsync(IUserFileReader reader, Func<long, bool> skip, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var entry = new ArrayBufferWriter<byte>(1024);
        using var json = new Utf8JsonWriter(entry, WriterOptions);
        var filling = new Filling(reader.FirstDataLine);
        var number = 0;
        await foreach (var record in reader.ReadAsync(skip, cancellationToken).ConfigureAwait(false))
        {
            var problem = record.Problem;
            if (record.Entry is { } user)
            {
                entry.ResetWrittenCount();
                json.Reset(entry);
                problem = TryWrite(json, user) ? null : NotUnicodeProblem;
                if (problem is null && entry.WrittenCount > MaxEntryBytes)
                {
                    problem = TooLargeProblem;
                }

                if (problem is null)
                {
                    if (filling.Users > 0 && filling.Body.WrittenCount + 1 + entry.WrittenCount + Closing.Length > MaxRequestBytes)
                    {
                        yield return filling.Close(++number, out filling);
                    }

                    filling.Add(record.Line, entry.WrittenSpan);
                    if (filling.Users == batchSize)
                    {
                        yield return filling.Close(++number, out filling);
                    }

                    continue;
                }
            }

            filling.AddMalformed(record with { Entry = null, Problem = problem });
            if (filling.Malformed.Count == MaxMalformedPerBatch)
            {
                yield return filling.Close(++number, out filling);
            }
        }

        if (filling.Users + filling.Malformed.Count > 0)
        {
            yield return filling.Close(++number, out _);
        }
    }

    private static bool TryWrite(Utf8JsonWriter json, UserEntry user)
    {
        try
        {
            json.WriteStartObject();
            if (user.ExternalId is { } externalId)
            {
                json.WriteString("external_id", externalId);
            }

            if (user.DeviceIds.Count > 0)
            {
                json.WriteStartArray("device_ids");
                foreach (var deviceId in user.DeviceIds)
                {
                    json.WriteStringValue(deviceId);
                }

                json.WriteEndArray();
            }

            if (user.Aliases.Count > 0)
            {
                json.WriteStartArray("aliases");
                foreach (var alias in user.Aliases)
                {
                    json.WriteStartObject();
                    json.WriteString("alias_name", alias.Name);
                    json.WriteString("alias_label", alias.Label);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.Flush();
            return true;
        }
        catch (ArgumentException)
        {
            // An unpaired surrogate: the writer cannot encode it, and the users API would reject it anyway.
            return false;
        }
    }

    /// <summary>The batch being filled.</summary>
    private sealed class Filling(long firstLine)
    {
        private readonly List<long> _lines = [];
        private long _lastLine = firstLine - 1;

        public ArrayBufferWriter<byte> Body { get; } = new(16 * 1024);

        public List<UserRecord> Malformed { get; } = [];

        public int Users => _lines.Count;

        public void Add(long line, ReadOnlySpan<byte> entry)
        {
            Body.Write(_lines.Count == 0 ? Opening : ","u8);
            Body.Write(entry);
            _lines.Add(line);
            _lastLine = line;
        }

        public void AddMalformed(UserRecord record)
        {
            Malformed.Add(record);
            _lastLine = record.Line;
        }

        public ImportBatch Close(int number, out Filling next)
        {
            if (_lines.Count > 0)
            {
                Body.Write(Closing);
            }

            next = new Filling(_lastLine + 1);
            return new ImportBatch(number, firstLine, _lastLine, Body.WrittenMemory, _lines, Malformed);
        }
    }
}
