using CohortFunctions.CohortSync.Members;
using CohortFunctions.CohortSync.State;

namespace CohortFunctions.CohortSyncTests;

public sealed class JsonFileSyncStateStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cohort-sync-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task SaveAsync_ThenLoadAsync_ReturnsTheSameState()
    {
        // Arrange
        var store = new JsonFileSyncStateStore(Path.Combine(_directory, "nested", "state.json"));
        var state = new SyncState(
            "amplitude",
            "cohort-1",
            "Power users",
            "http://127.0.0.1:7071",
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            new HashSet<MemberIdentifier>
            {
                MemberIdentifier.UserId("u1"),
                MemberIdentifier.DeviceId("u1"),
                MemberIdentifier.Alias("email", "u1"),
                MemberIdentifier.Alias("phone", "u1"),
            });

        // Act
        await store.SaveAsync(state, CancellationToken.None);
        var loaded = await store.LoadAsync(CancellationToken.None);

        // Assert
        Assert.NotNull(loaded);
        Assert.Equal((state.Partner, state.CohortId, state.CohortName, state.Endpoint, state.SyncedAt), (loaded.Partner, loaded.CohortId, loaded.CohortName, loaded.Endpoint, loaded.SyncedAt));
        Assert.True(state.Members.SetEquals(loaded.Members));
        Assert.False(File.Exists(store.Path + ".tmp"));
    }

    [Fact]
    public async Task LoadAsync_NoFile_ReturnsNull()
    {
        // Arrange
        var store = new JsonFileSyncStateStore(Path.Combine(_directory, "missing.json"));

        // Act
        var loaded = await store.LoadAsync(CancellationToken.None);

        // Assert
        Assert.Null(loaded);
    }

    [Fact]
    public async Task LoadAsync_NotAStateFile_ThrowsInvalidData()
    {
        // Arrange
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "other.json");
        await File.WriteAllTextAsync(path, "{\"hello\": 1}");

        // Act
        var load = () => new JsonFileSyncStateStore(path).LoadAsync(CancellationToken.None);

        // Assert
        await Assert.ThrowsAsync<InvalidDataException>(load);
    }

    [Theory]
    [InlineData("amplitude", "cohort-1", ".cohort-sync/amplitude-cohort-1.json")]
    [InlineData("amplitude", "Power_users.v2", ".cohort-sync/amplitude-Power_users.v2.json")]
    public void DefaultPath_SafeCohortId_UsesItAsIs(string partner, string cohortId, string expected)
    {
        // Act
        var path = JsonFileSyncStateStore.DefaultPath(partner, cohortId);

        // Assert
        Assert.Equal(expected, path.Replace('\\', '/'));
    }

    [Fact]
    public void DefaultPath_UnsafeCohortIds_StayInTheDirectoryAndNeverShareAFile()
    {
        // Act
        var slash = JsonFileSyncStateStore.DefaultPath("amplitude", "a/b");
        var underscore = JsonFileSyncStateStore.DefaultPath("amplitude", "a_b");
        var dots = JsonFileSyncStateStore.DefaultPath("amplitude", "../../etc");

        // Assert
        Assert.NotEqual(slash, underscore);
        Assert.All([slash, dots], p => Assert.Equal(JsonFileSyncStateStore.DefaultDirectory, Path.GetDirectoryName(p)));
    }
}
