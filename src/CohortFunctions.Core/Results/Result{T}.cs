using System.Diagnostics.CodeAnalysis;

namespace CohortFunctions.Results;

/// <summary>Either a value or an expected <see cref="Failure"/>; exceptions stay for the unexpected.</summary>
internal readonly record struct Result<T>
{
    private Result(T? value, Failure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }

    public Failure? Failure { get; }

    public bool IsSuccess => Failure is null;

    public static implicit operator Result<T>(Failure failure) => new(default, failure);

    public static implicit operator Result<T>(T value) => new(value, null);

    /// <summary>The value when there is one; otherwise the failure, for the caller to return as it is.</summary>
    public bool TryGetValue([MaybeNullWhen(false)] out T value, [NotNullWhen(false)] out Failure? failure)
    {
        (value, failure) = (Value, Failure);
        return failure is null;
    }
}
