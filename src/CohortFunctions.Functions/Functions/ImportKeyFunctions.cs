using CohortFunctions.App.Http;
using CohortFunctions.ImportKeys;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace CohortFunctions.App.Functions;

/// <summary>The operator's data import keys: generate, list, invalidate (management API, function key).</summary>
internal sealed class ImportKeyFunctions(ImportKeyService keys, IOptions<ApiOptions> api)
{
    internal sealed record CreatedKeyBody(string KeyId, string DataImportKey, string Partner, string Workspace, string RestEndpoint, DateTimeOffset CreatedAt);

    internal sealed record KeyBody(string KeyId, DateTimeOffset CreatedAt, DateTimeOffset? InvalidatedAt, DateTimeOffset? LastUsedAt, string KeyHint);

    internal sealed record KeysBody(IReadOnlyList<KeyBody> Keys);

    [Function(nameof(CreateImportKey))]
    public async Task<IActionResult> CreateImportKey(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.ImportKeys)] HttpRequest request,
        string workspace,
        string partner)
    {
        var cancellationToken = RequestDeadline.Token(request);
        ArgumentNullException.ThrowIfNull(request);
        var body = await JsonBody.ReadOptionalObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (body.Failure is { } invalid)
        {
            return ApiResponses.From(invalid);
        }

        var generated = await keys.GenerateAsync(workspace, partner, cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(generated, g => ApiResponses.Created(new CreatedKeyBody(
            g.Key.KeyId, g.Secret, g.Key.Partner, g.Key.Workspace.Value, api.Value.RestEndpoint(request), g.Key.CreatedAt)));
    }

    [Function(nameof(ListImportKeys))]
    public async Task<IActionResult> ListImportKeys(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.ImportKeys)] HttpRequest request,
        string workspace,
        string partner)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var listed = await keys.ListAsync(workspace, partner, cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(listed, list => ApiResponses.Ok(new KeysBody(
            [.. list.Select(k => new KeyBody(k.KeyId, k.CreatedAt, k.InvalidatedAt, k.LastUsedAt, k.KeyHint))])));
    }

    [Function(nameof(InvalidateImportKey))]
    public async Task<IActionResult> InvalidateImportKey(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = Routes.ImportKey)] HttpRequest request,
        string workspace,
        string partner,
        string keyId)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var invalidated = await keys.InvalidateAsync(workspace, partner, keyId, cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(invalidated, _ => ApiResponses.NoContent());
    }
}
