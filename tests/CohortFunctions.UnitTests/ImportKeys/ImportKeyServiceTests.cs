using System.Text.Json;
using CohortFunctions.ImportKeys;
using CohortFunctions.Results;
using CohortFunctions.UnitTests.TestSupport;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace CohortFunctions.UnitTests.ImportKeys;

public sealed class ImportKeyServiceTests : IDisposable
{
    private const string Secret = "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7";
    private const string KeyId = "0123456789abcdef";

    private readonly Mock<IImportKeyStore> _store = new();
    private readonly MemoryCache _cache = new(new MemoryCacheOptions());
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 2, 8, 30, 0, TimeSpan.Zero));
    private readonly ImportKeyResolver _resolver;
    private readonly ImportKeyService _service;

    public ImportKeyServiceTests()
    {
        _resolver = TestKeys.Resolver(_store.Object, _cache, _time);
        _service = new ImportKeyService(_store.Object, TestPartners.Catalog(), _resolver, _time, NullLogger<ImportKeyService>.Instance);
    }

    public void Dispose() => _cache.Dispose();

    [Fact]
    public async Task GenerateAsync_ConfiguredPartner_StoresOnlyTheHashOfTheSecret()
    {
        // Arrange
        StoredImportKey? stored = null;
        _store.Setup(s => s.AddAsync(It.IsAny<StoredImportKey>(), It.IsAny<CancellationToken>()))
            .Callback<StoredImportKey, CancellationToken>((key, _) => stored = key)
            .Returns(Task.CompletedTask);

        // Act
        var result = await _service.GenerateAsync("acme", "amplitude", CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess);
        var generated = result.Value!;
        Assert.NotNull(stored);
        Assert.DoesNotContain(generated.Secret, JsonSerializer.Serialize(stored), StringComparison.Ordinal);
        Assert.Equal(ImportKeySecrets.Hash(generated.Secret), stored.SecretHash);
        Assert.Equal(generated.Key, stored.Key);
        Assert.Equal(generated.Secret[..4], stored.Key.KeyHint);
        Assert.Equal("acme", stored.Key.Workspace.Value);
        Assert.Equal("amplitude", stored.Key.Partner);
        Assert.Equal(_time.GetUtcNow(), stored.Key.CreatedAt);
        Assert.Null(stored.Key.InvalidatedAt);
        Assert.Null(stored.Key.LastUsedAt);
    }

    [Fact]
    public async Task GenerateAsync_TwoKeys_DifferentSecretsAndIds()
    {
        // Act
        var first = await _service.GenerateAsync("acme", "amplitude", CancellationToken.None);
        var second = await _service.GenerateAsync("acme", "amplitude", CancellationToken.None);

        // Assert
        Assert.NotEqual(first.Value!.Secret, second.Value!.Secret);
        Assert.NotEqual(first.Value.Key.KeyId, second.Value.Key.KeyId);
    }

    [Theory]
    [InlineData("segment")]
    [InlineData("Amplitude")]
    [InlineData(null)]
    public async Task GenerateAsync_UnknownPartner_NotFoundAndNothingStored(string? partner)
    {
        // Act
        var result = await _service.GenerateAsync("acme", partner, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.NotFound, result.Failure?.Kind);
        _store.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Acme")]
    [InlineData("acme corp")]
    public async Task GenerateAsync_BadWorkspace_InvalidAndNothingStored(string? workspace)
    {
        // Act
        var result = await _service.GenerateAsync(workspace, "amplitude", CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        Assert.Contains(WorkspaceId.Rule, result.Failure!.Message, StringComparison.Ordinal);
        _store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ListAsync_ConfiguredPartner_ReturnsStoredKeys()
    {
        // Arrange
        IReadOnlyList<DataImportKey> keys = [TestKeys.Stored(Secret).Key];
        _store.Setup(s => s.ListAsync(TestKeys.Workspace("acme"), "amplitude", It.IsAny<CancellationToken>())).ReturnsAsync(keys);

        // Act
        var result = await _service.ListAsync("acme", "amplitude", CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess);
        Assert.Equal(keys, result.Value);
    }

    [Fact]
    public async Task ListAsync_UnknownPartner_NotFound()
    {
        // Act
        var result = await _service.ListAsync("acme", "segment", CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.NotFound, result.Failure?.Kind);
        _store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ListAsync_BadWorkspace_Invalid()
    {
        // Act
        var result = await _service.ListAsync("-acme", "amplitude", CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        _store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task InvalidateAsync_ValidKey_InvalidatesNow()
    {
        // Arrange
        var stored = TestKeys.Stored(Secret, keyId: KeyId);
        StoreHas(stored);

        // Act
        var result = await _service.InvalidateAsync("acme", "amplitude", KeyId, CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess);
        Assert.Equal(_time.GetUtcNow(), result.Value!.InvalidatedAt);
        _store.Verify(s => s.InvalidateAsync(stored, _time.GetUtcNow(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task InvalidateAsync_AlreadyInvalidated_SucceedsKeepingFirstTimeWithoutWriting()
    {
        // Arrange
        var firstTime = TestKeys.CreatedAt.AddHours(1);
        StoreHas(TestKeys.Stored(Secret, keyId: KeyId, invalidatedAt: firstTime));

        // Act
        var result = await _service.InvalidateAsync("acme", "amplitude", KeyId, CancellationToken.None);

        // Assert
        Assert.True(result.IsSuccess);
        Assert.Equal(firstTime, result.Value!.InvalidatedAt);
        _store.Verify(s => s.InvalidateAsync(It.IsAny<StoredImportKey>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task InvalidateAsync_UnknownKey_NotFound()
    {
        // Act
        var result = await _service.InvalidateAsync("acme", "amplitude", KeyId, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.NotFound, result.Failure?.Kind);
        _store.Verify(s => s.InvalidateAsync(It.IsAny<StoredImportKey>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("../other")]
    [InlineData("key id")]
    [InlineData("a1234567890123456789012345678901234567890123456789012345678901234")]
    public async Task InvalidateAsync_MalformedKeyId_NotFoundWithoutReadingStorage(string? keyId)
    {
        // Act
        var result = await _service.InvalidateAsync("acme", "amplitude", keyId, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.NotFound, result.Failure?.Kind);
        _store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task InvalidateAsync_UnknownPartner_NotFound()
    {
        // Act
        var result = await _service.InvalidateAsync("acme", "segment", KeyId, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.NotFound, result.Failure?.Kind);
        _store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task InvalidateAsync_BadWorkspace_Invalid()
    {
        // Act
        var result = await _service.InvalidateAsync("ACME", "amplitude", KeyId, CancellationToken.None);

        // Assert
        Assert.Equal(FailureKind.Invalid, result.Failure?.Kind);
        _store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task InvalidateAsync_KeyCachedByResolver_RejectedAtOnceOnThisInstance()
    {
        // Arrange: the resolver has the key cached as valid (30 s by default).
        var valid = TestKeys.Stored(Secret, keyId: KeyId);
        StoreHas(valid);
        _store.SetupSequence(s => s.FindByHashAsync(valid.SecretHash, It.IsAny<CancellationToken>()))
            .ReturnsAsync(valid)
            .ReturnsAsync(valid with { Key = valid.Key with { InvalidatedAt = _time.GetUtcNow() } });
        Assert.Equal(ImportKeyStatus.Valid, (await _resolver.ResolveAsync(Secret, "amplitude", CancellationToken.None)).Status);

        // Act
        await _service.InvalidateAsync("acme", "amplitude", KeyId, CancellationToken.None);
        var after = await _resolver.ResolveAsync(Secret, "amplitude", CancellationToken.None);

        // Assert
        Assert.Equal(ImportKeyStatus.Invalidated, after.Status);
    }

    private void StoreHas(StoredImportKey stored) =>
        _store.Setup(s => s.GetAsync(stored.Key.Workspace, stored.Key.Partner, stored.Key.KeyId, It.IsAny<CancellationToken>())).ReturnsAsync(stored);
}
