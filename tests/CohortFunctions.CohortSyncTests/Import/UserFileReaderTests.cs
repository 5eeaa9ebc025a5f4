using CohortFunctions.CohortSync.Import;

namespace CohortFunctions.CohortSyncTests.Import;

public sealed class UserFileReaderTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ReadAsync_CsvWithEveryIdentifier_MapsEachLineWithItsNumber()
    {
        // Arrange: the header matches ignoring case and spaces; a quoted value keeps its comma and spaces.
        var csv = " User_Id ,Device,email,amp\r\nada,D-1,ada@example.com,123\r\n\r\n,D-2,,\r\n\"smith, j\",,\" s@example.com \",\r\n";

        // Act
        var (records, lines, first) = await ReadCsv(csv, "external_id:user_id,device_id:device,alias:email,alias:amp=amplitude_id");

        // Assert
        Assert.Equal((5L, 2L), (lines, first));
        Assert.Equal([2L, 4L, 5L], records.Select(r => r.Line));
        Assert.All(records, r => Assert.Null(r.Problem));
        Assert.Equal(new UserEntry("ada", ["D-1"], [new UserAliasValue("ada@example.com", "email"), new UserAliasValue("123", "amplitude_id")]), records[0].Entry, EntryComparer.Instance);
        Assert.Equal(new UserEntry(null, ["D-2"], []), records[1].Entry, EntryComparer.Instance);
        Assert.Equal(new UserEntry("smith, j", [], [new UserAliasValue(" s@example.com ", "email")]), records[2].Entry, EntryComparer.Instance);
    }

    [Fact]
    public async Task ReadAsync_CsvMalformedLines_ReportsEachWithItsLineNumberAndGoesOn()
    {
        // Arrange: one good line between each bad one, so that a bad line can be seen not to spoil the next.
        var csv = string.Join("\n",
            "external_id,email",       // 1
            "ok-2,a@example.com",      // 2
            "\"unclosed,b@example.com", // 3: bad quoting
            "ok-4,",                   // 4
            "bad\"quote,c@example.com", // 5: bad quoting
            "ok-6,",                   // 6
            "\"x\"y,d@example.com",    // 7: bad quoting
            "ok-8,",                   // 8
            "ok-9,e@example.com,extra", // 9: three fields
            ",",                       // 10: no identifier
            $"{new string('z', 1025)},", // 11: over-long field
            "ok-12,") + "\n";

        // Act
        var (records, _, _) = await ReadCsv(csv, "external_id,alias:email");

        // Assert
        Assert.Equal([2L, 4L, 6L, 8L, 12L], records.Where(r => r.Entry is not null).Select(r => r.Line));
        Assert.Equal(
            [
                (3L, "bad CSV quoting: a quoted field is not closed on its line."),
                (5L, "bad CSV quoting: a quote inside an unquoted field."),
                (7L, "bad CSV quoting: text after a closing quote."),
                (9L, "the line has 3 fields; the header has 2."),
                (10L, "no identifier: columns 'external_id', 'email' are all empty."),
                (11L, "column 'external_id' is longer than 1,024 characters."),
            ],
            records.Where(r => r.Problem is not null).Select(r => (r.Line, r.Problem!)));
        Assert.Equal(records.Select(r => r.Line).Order(), records.Select(r => r.Line));
    }

    [Fact]
    public async Task ReadAsync_CsvLineOverOneMebibyte_IsMalformedAndTheLinesAroundItAreRead()
    {
        // Arrange
        var csv = $"external_id\nu2\n{new string('x', UserFileReader.MaxLineBytes + 10)}\nu4\n";

        // Act
        var (records, lines, _) = await ReadCsv(csv, "external_id");

        // Assert
        Assert.Equal(4, lines);
        Assert.Equal([(2L, "u2"), (4L, "u4")], records.Where(r => r.Entry is not null).Select(r => (r.Line, r.Entry!.ExternalId!)));
        var tooLong = Assert.Single(records, r => r.Problem is not null);
        Assert.Equal((3L, UserFileReader.TooLongProblem), (tooLong.Line, tooLong.Problem!));
    }

    [Theory]
    [InlineData("external_id:user_id", "no column 'user_id'")]
    [InlineData("external_id,alias:mail", "no column 'mail'")]
    public async Task OpenAsync_CsvWithoutAMappedColumn_IsAUsageErrorNamingTheColumns(string mapping, string expected)
    {
        // Arrange
        var path = _directory.Write("users.csv", "external_id,email\nu1,a@example.com\n");

        // Act
        var error = await Assert.ThrowsAsync<UserFileException>(() => UserFileReader.OpenAsync(path, UserFileFormat.Csv, UserMapping.Parse(mapping), CancellationToken.None));

        // Assert
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("its columns are: external_id, email", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("ext\"ernal_id\nu1\n")]
    public async Task OpenAsync_CsvWithoutAUsableHeader_IsAUsageError(string csv)
    {
        // Arrange
        var path = _directory.Write("users.csv", csv);

        // Act & Assert
        await Assert.ThrowsAsync<UserFileException>(() => UserFileReader.OpenAsync(path, UserFileFormat.Csv, UserMapping.Default, CancellationToken.None));
    }

    [Fact]
    public async Task ReadAsync_NdjsonWithEveryIdentifier_MapsStringsNumbersArraysAndNulls()
    {
        // Arrange: a byte order mark, a blank line, a number as external id, device ids as an array.
        var ndjson = "\uFEFF{\"user_id\":\"ada\",\"devices\":[\"D-1\",null,\"D-2\"],\"email\":\"ada@example.com\",\"other\":{\"x\":1}}\n"
            + "   \n"
            + "{\"user_id\":12345,\"devices\":\"D-3\",\"email\":null}\n"
            + "{\"devices\":[],\"email\":\"anon@example.com\"}";

        // Act
        var (records, lines, first) = await ReadNdjson(ndjson, "external_id:user_id,device_id:devices,alias:email");

        // Assert
        Assert.Equal((4L, 1L), (lines, first));
        Assert.Equal([1L, 3L, 4L], records.Select(r => r.Line));
        Assert.Equal(new UserEntry("ada", ["D-1", "D-2"], [new UserAliasValue("ada@example.com", "email")]), records[0].Entry, EntryComparer.Instance);
        Assert.Equal(new UserEntry("12345", ["D-3"], []), records[1].Entry, EntryComparer.Instance);
        Assert.Equal(new UserEntry(null, [], [new UserAliasValue("anon@example.com", "email")]), records[2].Entry, EntryComparer.Instance);
    }

    [Fact]
    public async Task ReadAsync_NdjsonMalformedLines_ReportsEachWithItsLineNumberAndGoesOn()
    {
        // Arrange
        var ndjson = string.Join("\n",
            "{\"id\":\"ok-1\"}",                  // 1
            "{\"id\":\"broken\"",                 // 2: invalid JSON
            "[\"ok\"]",                           // 3: not an object
            "{\"id\":true}",                      // 4: wrong type
            "{\"id\":[\"a\",\"b\"]}",             // 5: an array where one value is wanted
            "{\"id\":\"a\",\"id\":\"b\"}",        // 6: the mapped field twice
            "{\"id\":\"x\\ud800y\"}",             // 7: an unpaired surrogate
            "{\"other\":\"ok\"}",                 // 8: no identifier
            $"{{\"id\":\"{new string('z', 1025)}\"}}", // 9: over-long field
            "{\"id\":\"ok-10\",\"other\":1,\"other\":2}") + "\n"; // 10: a field not mapped may repeat

        // Act
        var (records, _, _) = await ReadNdjson(ndjson, "external_id:id");

        // Assert
        Assert.Equal([1L, 10L], records.Where(r => r.Entry is not null).Select(r => r.Line));
        Assert.Equal(
            [
                (2L, "invalid JSON at byte 15 of the line."),
                (3L, "the line is not a JSON object."),
                (4L, "field 'id' must be a string or a number."),
                (5L, "field 'id' must be a string or a number."),
                (6L, "field 'id' appears twice."),
                (7L, "the line is not valid Unicode."),
                (8L, "no identifier: field 'id' is empty."),
                (9L, "field 'id' is longer than 1,024 characters."),
            ],
            records.Where(r => r.Problem is not null).Select(r => (r.Line, r.Problem!)));
    }

    [Fact]
    public async Task ReadAsync_SkippedLines_AreNeitherMappedNorReported()
    {
        // Arrange
        var csv = "external_id\nu2\n\"bad\nu4\nu5\n";
        var path = _directory.Write("users.csv", csv);
        await using var reader = await UserFileReader.OpenAsync(path, UserFileFormat.Csv, UserMapping.Parse("external_id"), CancellationToken.None);

        // Act
        var records = await ToListAsync(reader.ReadAsync(line => line is >= 2 and <= 4, CancellationToken.None));

        // Assert
        Assert.Equal([5L], records.Select(r => r.Line));
    }

    private async Task<(List<UserRecord> Records, long Lines, long FirstDataLine)> ReadCsv(string csv, string mapping) =>
        await Read(_directory.Write("users.csv", csv), UserFileFormat.Csv, mapping);

    private async Task<(List<UserRecord> Records, long Lines, long FirstDataLine)> ReadNdjson(string ndjson, string mapping) =>
        await Read(_directory.Write("users.ndjson", ndjson), UserFileFormat.Ndjson, mapping);

    private static async Task<(List<UserRecord> Records, long Lines, long FirstDataLine)> Read(string path, UserFileFormat format, string mapping)
    {
        await using var reader = await UserFileReader.OpenAsync(path, format, UserMapping.Parse(mapping), CancellationToken.None);
        var records = await ToListAsync(reader.ReadAsync(_ => false, CancellationToken.None));
        return (records, reader.LinesRead, reader.FirstDataLine);
    }

    private static async Task<List<UserRecord>> ToListAsync(IAsyncEnumerable<UserRecord> records)
    {
        var list = new List<UserRecord>();
        await foreach (var record in records)
        {
            list.Add(record);
        }

        return list;
    }
}
