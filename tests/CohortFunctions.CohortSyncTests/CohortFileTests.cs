using System.Text;
using CohortFunctions.CohortSync.Members;

namespace CohortFunctions.CohortSyncTests;

public sealed class CohortFileTests
{
    [Fact]
    public async Task ReadAsync_SampleCohort_ResolvesEachRowByPriorityAndSkipsTheRowWithoutIdentifiers()
    {
        // Arrange
        var path = Path.Combine(AppContext.BaseDirectory, "samples", "cohort.csv");
        var mapping = IdentifierMapping.Parse("user_id,alias:email,device_id");

        // Act
        var snapshot = await CohortFile.ReadAsync(path, mapping, CancellationToken.None);

        // Assert
        Assert.Equal((7, 1, 0), (snapshot.Rows, snapshot.Unresolved, snapshot.Duplicates));
        Assert.Equal(
            new HashSet<MemberIdentifier>
            {
                MemberIdentifier.UserId("alice"),
                MemberIdentifier.UserId("bob"),
                MemberIdentifier.DeviceId("D-ANON-1"),
                MemberIdentifier.Alias("email", "carol@example.com"),
                MemberIdentifier.Alias("email", "dave@example.com"),
                MemberIdentifier.UserId("erin"),
            },
            snapshot.Members);
    }

    [Fact]
    public async Task ReadAsync_QuotedValuesSpacesAndDuplicates_ReadsValuesAndCountsDuplicates()
    {
        // Arrange
        var csv = "User_ID , device_id\n\"smith, j\",D1\n  u2  ,\n\"smith, j\",D9\n\n,\n";

        // Act
        var snapshot = await Read(csv, "user_id,device_id");

        // Assert
        Assert.Equal((4, 1, 1), (snapshot.Rows, snapshot.Unresolved, snapshot.Duplicates));
        Assert.Equal(new HashSet<MemberIdentifier> { MemberIdentifier.UserId("smith, j"), MemberIdentifier.UserId("u2") }, snapshot.Members);
        Assert.Equal(snapshot.Rows, snapshot.Members.Count + snapshot.Unresolved + snapshot.Duplicates);
    }

    [Fact]
    public async Task ReadAsync_MappedColumnMissing_ThrowsNamingTheColumns()
    {
        // Arrange
        var csv = "user_id,email\nu1,a@example.com\n";

        // Act
        var read = () => Read(csv, "user_id,alias:emial");

        // Assert
        var error = await Assert.ThrowsAsync<CohortFileException>(read);
        Assert.Contains("'emial'", error.Message, StringComparison.Ordinal);
        Assert.Contains("user_id, email", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_EmptyFile_Throws()
    {
        // Act
        var read = () => Read(string.Empty, "user_id");

        // Assert
        await Assert.ThrowsAsync<CohortFileException>(read);
    }

    [Fact]
    public async Task ReadAsync_MissingFile_ThrowsCohortFileException()
    {
        // Act
        var read = () => CohortFile.ReadAsync(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".csv"), IdentifierMapping.Default, CancellationToken.None);

        // Assert
        await Assert.ThrowsAsync<CohortFileException>(read);
    }

    private static async Task<CohortSnapshot> Read(string csv, string mapping)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        return await CohortFile.ReadAsync(stream, IdentifierMapping.Parse(mapping), CancellationToken.None);
    }
}
