using CohortFunctions.Results;

namespace CohortFunctions.Memberships;

/// <summary>What a paged walk over members or a segment's users asks for: a page size and where to go on from.</summary>
internal readonly record struct MemberPageRequest(int PageSize, MemberCursor Cursor)
{
    /// <summary>The largest page, and the page size when none is asked for.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>The request, or why <paramref name="limit"/> or <paramref name="continuation"/> cannot be one.</summary>
    public static Result<MemberPageRequest> Parse(int? limit, string? continuation)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            return Failure.Invalid($"limit must be between 1 and {MaxPageSize}.");
        }

        return MemberCursor.TryParse(continuation, out var cursor)
            ? new MemberPageRequest(limit ?? MaxPageSize, cursor.Value)
            : Failure.Invalid("continuation is not a token from a previous page.");
    }
}
