using CohortFunctions.ImportKeys;
using CohortFunctions.UnitTests.TestSupport;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace CohortFunctions.UnitTests.ImportKeys;

public sealed class ImportKeyResolverTests : IDisposable
{
    private const string Secret = "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7";

    private readonly Mock<IImportKeyStore> _store = new();
    private readonly MemoryCache _cache = new(new MemoryCacheOptions());
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _cache.Dispose();

    [Fact]
    public async Task ResolveAsync_ValidKeyOfSamePartner_ReturnsValidWithWorkspace()
    {
        // Arrange
        StoreReturns(TestKeys.Stored(Secret, workspace: "acme"));

        // Act
        var resolution = await Resolver().ResolveAsync(Secret, "amplitude", CancellationToken.None);

        // Assert
        Assert.Equal(ImportKeyStatus.Valid, resolution.Status);
        Assert.Equal("acme", resolution.Workspace.Value);
        Assert.Equal(Secret[..4], resolution.KeyHint);
    }

    [Fact]
    public async Task ResolveAsync_NoSuchKey_ReturnsUnknown()
    {
        // Act
        var resolution = await Resolver().ResolveAsync(Secret, "amplitude", CancellationToken.None);

        // Assert
        Assert.Equal(ImportKeyStatus.Unknown, resolution.Status);
        _store.Verify(s => s.FindByHashAsync(ImportKeySecrets.Hash(Secret), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task ResolveAsync_NoSecret_ReturnsUnknownWithoutStorage(string? secret)
    {
        // Act
        var resolution = await Resolver().ResolveAsync(secret, "amplitude", CancellationToken.None);

        // Assert
        Assert.Equal(ImportKeyStatus.Unknown, resolution.Status);
        _store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ResolveAsync_OversizedSecret_ReturnsUnknownWithoutStorage()
    {
        // Act
        var resolution = await Resolver().ResolveAsync(new string('a', 257), "amplitude", CancellationToken.None);

        // Assert
        Assert.Equal(ImportKeyStatus.Unknown, resolution.Status);
        _store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ResolveAsync_StoredHashDiffers_ReturnsUnknown()
    {
        // Arrange: a store answering for the wrong key must not open a workspace.
        StoreReturns(TestKeys.Stored(Secret) with { SecretHash = ImportKeySecrets.Hash("another secret") });

        // Act
        var resolution = await Resolver().ResolveAsync(Secret, "amplitude", CancellationToken.None);

        // Assert
        Assert.Equal(ImportKeyStatus.Unknown, resolution.Status);
    }

    [Fact]
    public async Task ResolveAsync_InvalidatedKey_ReturnsInvalidatedAndRecordsNoUse()
    {
        // Arrange
        StoreReturns(TestKeys.Stored(Secret, invalidatedAt: TestKeys.CreatedAt.AddDays(1)));

        // Act
        var resolution = await Resolver().ResolveAsync(Secret, "amplitude", CancellationToken.None);

        // Assert
        Assert.Equal(ImportKeyStatus.Invalidated, resolution.Status);
        _store.Verify(s => s.RecordLastUsedAsync(It.IsAny<DataImportKey>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ResolveAsync_KeyOfOtherPartner_ReturnsOtherPartnerAndRecordsNoUse()
    {
        // Arrange
        StoreReturns(TestKeys.Stored(Secret, partner: "amplitude"));

        // Act
        var resolution = await Resolver().ResolveAsync(Secret, "mixpanel", CancellationToken.None);

        // Assert
        Assert.Equal(ImportKeyStatus.OtherPartner, resolution.Status);
        _store.Verify(s => s.RecordLastUsedAsync(It.IsAny<DataImportKey>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ResolveAsync_SecondCallWithinCacheSeconds_ReadsStorageOnce()
    {
        // Arrange
        StoreReturns(TestKeys.Stored(Secret));
        var resolver = Resolver(cacheSeconds: 30);

        // Act
        await resolver.ResolveAsync(Secret, "amplitude", CancellationToken.None);
        var second = await resolver.ResolveAsync(Secret, "amplitude", CancellationToken.None);

        // Assert
        Assert.Equal(ImportKeyStatus.Valid, second.Status);
        _store.Verify(s => s.FindByHashAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task ResolveAsync_CacheSecondsZero_ReadsStorageEveryTime()
    {
        // Arrange
        StoreReturns(TestKeys.Stored(Secret));
        var resolver = Resolver(cacheSeconds: 0);

        // Act
        await resolver.ResolveAsync(Secret, "amplitude", CancellationToken.None);
        await resolver.ResolveAsync(Secret, "amplitude", CancellationToken.None);

        // Assert
        _store.Verify(s => s.FindByHashAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task ResolveAsync_UnknownSecretTwice_NotCached()
    {
        // Arrange
        var resolver = Resolver(cacheSeconds: 30);

        // Act
        await resolver.ResolveAsync(Secret, "amplitude", CancellationToken.None);
        await resolver.ResolveAsync(Secret, "amplitude", CancellationToken.None);

        // Assert
        _store.Verify(s => s.FindByHashAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public async Task Forget_CachedKey_NextResolutionReadsStorage()
    {
        // Arrange
        _store.SetupSequence(s => s.FindByHashAsync(ImportKeySecrets.Hash(Secret), It.IsAny<CancellationToken>()))
            .ReturnsAsync(TestKeys.Stored(Secret))
            .ReturnsAsync(TestKeys.Stored(Secret, invalidatedAt: TestKeys.CreatedAt.AddDays(1)));
        var resolver = Resolver(cacheSeconds: 30);
        await resolver.ResolveAsync(Secret, "amplitude", CancellationToken.None);

        // Act
        resolver.Forget(ImportKeySecrets.Hash(Secret));
        var after = await resolver.ResolveAsync(Secret, "amplitude", CancellationToken.None);

        // Assert
        Assert.Equal(ImportKeyStatus.Invalidated, after.Status);
        _store.Verify(s => s.FindByHashAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task ResolveAsync_ValidKey_RecordsLastUsedAtCurrentTime()
    {
        // Arrange
        var stored = TestKeys.Stored(Secret);
        StoreReturns(stored);

        // Act
        await Resolver().ResolveAsync(Secret, "amplitude", CancellationToken.None);

        // Assert
        _store.Verify(s => s.RecordLastUsedAsync(stored.Key, _time.GetUtcNow(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task ResolveAsync_ManyUsesWithinInterval_RecordsLastUsedOncePerInterval()
    {
        // Arrange
        StoreReturns(TestKeys.Stored(Secret));
        var resolver = Resolver(lastUsedIntervalSeconds: 300);
        var start = _time.GetUtcNow();

        // Act
        await resolver.ResolveAsync(Secret, "amplitude", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(150));
        await resolver.ResolveAsync(Secret, "amplitude", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(149));
        await resolver.ResolveAsync(Secret, "amplitude", CancellationToken.None);
        var writesWithinInterval = RecordedUses().Count;
        _time.Advance(TimeSpan.FromSeconds(1));
        await resolver.ResolveAsync(Secret, "amplitude", CancellationToken.None);

        // Assert
        Assert.Equal(1, writesWithinInterval);
        Assert.Equal([start, start.AddSeconds(300)], RecordedUses());
    }

    [Fact]
    public async Task ResolveAsync_TwoKeysWithinInterval_RecordsEachKey()
    {
        // Arrange
        const string OtherSecret = "0ther0ther0ther0ther0ther0ther0ther0ther0ther0ther0ther0ther0the";
        StoreReturns(TestKeys.Stored(Secret, keyId: "aaaaaaaaaaaaaaaa"));
        StoreReturns(TestKeys.Stored(OtherSecret, keyId: "bbbbbbbbbbbbbbbb"));
        var resolver = Resolver();

        // Act
        await resolver.ResolveAsync(Secret, "amplitude", CancellationToken.None);
        await resolver.ResolveAsync(OtherSecret, "amplitude", CancellationToken.None);

        // Assert
        _store.Verify(s => s.RecordLastUsedAsync(It.Is<DataImportKey>(k => k.KeyId == "aaaaaaaaaaaaaaaa"), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Once);
        _store.Verify(s => s.RecordLastUsedAsync(It.Is<DataImportKey>(k => k.KeyId == "bbbbbbbbbbbbbbbb"), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task ResolveAsync_RecordingLastUseFails_StillValid()
    {
        // Arrange
        StoreReturns(TestKeys.Stored(Secret));
        _store.Setup(s => s.RecordLastUsedAsync(It.IsAny<DataImportKey>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("storage went away"));

        // Act
        var resolution = await Resolver().ResolveAsync(Secret, "amplitude", CancellationToken.None);

        // Assert
        Assert.Equal(ImportKeyStatus.Valid, resolution.Status);
        _store.Verify(s => s.RecordLastUsedAsync(It.IsAny<DataImportKey>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    private ImportKeyResolver Resolver(int cacheSeconds = 30, int lastUsedIntervalSeconds = 300) =>
        TestKeys.Resolver(_store.Object, _cache, _time, new ImportKeysOptions { CacheSeconds = cacheSeconds, LastUsedWriteIntervalSeconds = lastUsedIntervalSeconds });

    private void StoreReturns(StoredImportKey stored) =>
        _store.Setup(s => s.FindByHashAsync(stored.SecretHash, It.IsAny<CancellationToken>())).ReturnsAsync(stored);

    private List<DateTimeOffset> RecordedUses() =>
        [.. _store.Invocations
            .Where(i => i.Method.Name == nameof(IImportKeyStore.RecordLastUsedAsync))
            .Select(i => (DateTimeOffset)i.Arguments[1]!)];
}
