using System.Buffers;
using System.Text.Json;
using CohortFunctions.Results;
using Microsoft.AspNetCore.Http;

namespace CohortFunctions.App.Http;

/// <summary>Reads request bodies within the app's limits: at most 4 MiB, a JSON object, bounded nesting.</summary>
internal static class JsonBody
{
    /// <summary>The largest request body any endpoint accepts.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    public const string NotAnObjectMessage = "Request body must be a JSON object.";

    /// <summary>Reads the body as a JSON object; an empty body is an error.</summary>
    public static async Task<Result<JsonElement>> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var bytes = await ReadBytesAsync(request, cancellationToken).ConfigureAwait(false);
        if (bytes.Failure is { } failure)
        {
            return failure;
        }

        return Parse(bytes.Value!);
    }

    /// <summary>Reads an optional body: empty is fine, anything else must be a JSON object.</summary>
    public static async Task<Result<JsonElement?>> ReadOptionalObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var bytes = await ReadBytesAsync(request, cancellationToken).ConfigureAwait(false);
        if (bytes.Failure is { } failure)
        {
            return failure;
        }

        if (bytes.Value!.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return Result.Success<JsonElement?>(null);
        }

        var parsed = Parse(bytes.Value!);
        return parsed.Failure is { } invalid ? invalid : Result.Success<JsonElement?>(parsed.Value);
    }

    private static Result<JsonElement> Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, ApiJson.DocumentOptions);
            return document.RootElement.ValueKind == JsonValueKind.Object && HasDecodableNames(document.RootElement)
                ? document.RootElement.Clone()
                : Failure.Invalid(NotAnObjectMessage);
        }
        catch (JsonException)
        {
            return Failure.Invalid(NotAnObjectMessage);
        }
    }

    /// <summary>
    /// Whether every property name, at any depth, decodes to text. A name holding an escaped lone surrogate
    /// (<c>"\ud800"</c>) or bytes that are not UTF-8 is accepted by the parser, but every later lookup that passes it
    /// throws; such a body is refused here, once, rather than failing as a 500 wherever a property is read.
    /// </summary>
    private static bool HasDecodableNames(JsonElement root)
    {
        var pending = new Stack<JsonElement>();
        pending.Push(root);
        while (pending.TryPop(out var element))
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    PushContainer(pending, item);
                }
            }
            else if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    try
                    {
                        _ = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return false;
                    }

                    PushContainer(pending, property.Value);
                }
            }
        }

        return true;
    }

    private static void PushContainer(Stack<JsonElement> pending, JsonElement element)
    {
        if (element.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
        {
            pending.Push(element);
        }
    }

    private static async Task<Result<byte[]>> ReadBytesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBytes)
        {
            return await TooLargeAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and var length ? (int)length : 4096);
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await request.Body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > MaxBytes)
            {
                return await TooLargeAsync(request, cancellationToken).ConfigureAwait(false);
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Drops the rest of the body, then refuses it. The Functions host forwards each request to the worker and fails
    /// the whole request (500) when the worker stops reading the body it is still sending.
    /// </summary>
    private static async Task<Failure> TooLargeAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        await UnreadBody.DropAsync(request, cancellationToken).ConfigureAwait(false);
        return new(FailureKind.TooLarge, $"Request body is larger than {MaxBytes / (1024 * 1024)} MiB.");
    }
}
