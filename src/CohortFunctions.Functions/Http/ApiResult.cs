using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace CohortFunctions.App.Http;

/// <summary>
/// A JSON response in the app's conventions. Executed the same way by the Functions host and by the local host,
/// without MVC formatters, so both write byte-identical answers.
/// </summary>
internal sealed class ApiResult(int statusCode, object? body, IReadOnlyDictionary<string, string>? headers = null) : IActionResult
{
    public int StatusCode { get; } = statusCode;

    public object? Body { get; } = body;

    public IReadOnlyDictionary<string, string> Headers { get; } = headers ?? new Dictionary<string, string>();

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return WriteAsync(context.HttpContext.Response, RequestDeadline.ResponseToken(context.HttpContext));
    }

    /// <summary>Writes this result to <paramref name="response"/>; also used where no action context exists.</summary>
    public async Task WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = StatusCode;
        SecurityHeaders.Apply(response);
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }

        if (Body is null)
        {
            return;
        }

        response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(response.Body, Body, Body.GetType(), ApiJson.Options, cancellationToken).ConfigureAwait(false);
    }
}
