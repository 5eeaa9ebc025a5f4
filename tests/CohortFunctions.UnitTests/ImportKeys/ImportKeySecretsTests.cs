using CohortFunctions.ImportKeys;

namespace CohortFunctions.UnitTests.ImportKeys;

public sealed class ImportKeySecretsTests
{
    [Fact]
    public void Hash_SameSecret_SameHash()
    {
        // Arrange
        var secret = ImportKeySecrets.NewSecret();

        // Act
        var first = ImportKeySecrets.Hash(secret);
        var second = ImportKeySecrets.Hash(new string(secret.AsSpan()));

        // Assert
        Assert.Equal(first, second);
        Assert.Matches("^[0-9a-f]{64}$", first);
        Assert.DoesNotContain(secret, first, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_DifferentSecrets_DifferentHashes()
    {
        // Arrange
        var secret = ImportKeySecrets.NewSecret();
        var oneCharOff = secret[..^1] + (secret[^1] == 'a' ? 'b' : 'a');

        // Act
        var hashes = new[] { secret, oneCharOff, ImportKeySecrets.NewSecret() }.Select(ImportKeySecrets.Hash).ToList();

        // Assert
        Assert.Equal(3, hashes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void NewSecret_ManyCalls_RandomAnd64LowerHexChars()
    {
        // Act
        var secrets = Enumerable.Range(0, 200).Select(_ => ImportKeySecrets.NewSecret()).ToList();

        // Assert
        Assert.All(secrets, s => Assert.Matches("^[0-9a-f]{64}$", s));
        Assert.Equal(secrets.Count, secrets.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void NewKeyId_ManyCalls_DistinctHexIds()
    {
        // Act
        var ids = Enumerable.Range(0, 200).Select(_ => ImportKeySecrets.NewKeyId()).ToList();

        // Assert
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{16}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("0123456789abcdef", "0123")]
    [InlineData("abcd", "abcd")]
    [InlineData("abc", "abc")]
    [InlineData("", "")]
    public void Hint_AnySecret_AtMostFirstFourChars(string secret, string expected)
    {
        // Act
        var hint = ImportKeySecrets.Hint(secret);

        // Assert
        Assert.Equal(expected, hint);
        Assert.True(hint.Length <= ImportKeySecrets.HintLength);
    }

    [Fact]
    public void HashesMatch_SameAndDifferentHashes_ComparesExactly()
    {
        // Arrange
        var hash = ImportKeySecrets.Hash("secret-one");

        // Act
        var same = ImportKeySecrets.HashesMatch(hash, ImportKeySecrets.Hash("secret-one"));
        var different = ImportKeySecrets.HashesMatch(hash, ImportKeySecrets.Hash("secret-two"));
        var truncated = ImportKeySecrets.HashesMatch(hash, hash[..^1]);

        // Assert
        Assert.True(same);
        Assert.False(different);
        Assert.False(truncated);
    }
}
