using System.Globalization;
using CohortFunctions.Results;
using Microsoft.AspNetCore.Http;

namespace CohortFunctions.App.Http;

/// <summary>Query-string parameters shared by paged endpoints.</summary>
internal static class Query
{
    /// <summary>The optional <c>limit</c> parameter: absent, or a whole number.</summary>
    public static Result<int?> Limit(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? text = request.Query["limit"];
        if (string.IsNullOrEmpty(text))
        {
            return Result.Success<int?>(null);
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            ? Result.Success<int?>(limit)
            : Failure.Invalid("limit must be a whole number.");
    }
}
