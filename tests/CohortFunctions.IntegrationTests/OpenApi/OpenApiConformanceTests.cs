using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CohortFunctions.App.Http;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.OpenApi;

/// <summary>
/// Real answers of the app on Azurite against the OpenAPI document: every sample's status is documented for its
/// operation, its body validates against the documented schema (or is empty where none is documented), documented
/// headers are sent, and every operation has success and error samples. So the document cannot drift from the app.
/// </summary>
public sealed class OpenApiConformanceTests(ConformanceWorld world) : IClassFixture<ConformanceWorld>
{
    /// <summary>Operations that no client mistake can reach (GET of a static document); every other one needs an error sample.</summary>
    private static readonly string[] WithoutErrorSamples = ["GetOpenApiDocument"];

    [Theory]
    [MemberData(nameof(OpenApiSamples.Names), MemberType = typeof(OpenApiSamples))]
    public async Task Answer_EverySample_IsDocumentedAndValidatesAgainstTheSchema(string sample)
    {
        // Arrange
        var spec = OpenApiSpec.Committed;
        var call = OpenApiSamples.All.Single(s => s.Name == sample);
        var operation = spec.Operation(call.OperationId);
        var path = await call.Path(world);
        using var request = new HttpRequestMessage(new HttpMethod(call.Method), new Uri(path.TrimStart('/'), UriKind.Relative));
        var body = call.Body?.Invoke(world);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, TestJson.Options), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        // Act
        using var response = await Client(call.Target).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        // Assert: the sample reaches the operation it names, and answers what it means to.
        Assert.True(operation.Method == call.Method && operation.Matches(new Uri(path, UriKind.Relative).OriginalString.Split('?')[0]), $"{sample}: {call.Method} {path} is not {operation.Method} {operation.Path}.");
        Assert.True((int)response.StatusCode == call.Status, $"{sample}: expected {call.Status}, got {(int)response.StatusCode}: {text}");
        var documented = spec.Response(operation, call.Status);
        Assert.True(documented is not null, $"{sample}: {call.OperationId} does not document status {call.Status}.");
        foreach (var header in documented["headers"]?.AsObject() ?? [])
        {
            Assert.True(response.Headers.Contains(header.Key) || response.Content.Headers.Contains(header.Key), $"{sample}: the documented header {header.Key} is missing.");
        }

        if (documented["content"] is not JsonObject content)
        {
            Assert.True(text.Length == 0, $"{sample}: status {call.Status} documents no body, got: {text}");
            return;
        }

        // A documented media type; JSON bodies are validated against their schema (a page, e.g. text/html, is not).
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "";
        Assert.True(content.ContainsKey(mediaType), $"{sample}: answered {mediaType}, documented: {string.Join(", ", content.Select(c => c.Key))}.");
        if (mediaType != "application/json" || content[mediaType]?["schema"] is not { } schema)
        {
            Assert.NotEmpty(text);
            return;
        }

        using var answer = JsonDocument.Parse(text);
        var errors = spec.Validate(schema, answer.RootElement);
        Assert.True(errors.Count == 0, $"{sample}: the answer does not match {call.OperationId} {call.Status}:\n{string.Join('\n', errors)}\n{text}");
        if (call.Status is >= 200 and < 300 && body is not null && OpenApiSpec.RequestSchema(operation) is { } requestSchema)
        {
            using var sent = JsonDocument.Parse(JsonSerializer.Serialize(body, TestJson.Options));
            var requestErrors = spec.Validate(requestSchema, sent.RootElement);
            Assert.True(requestErrors.Count == 0, $"{sample}: the request the app accepted does not match the documented request body:\n{string.Join('\n', requestErrors)}");
        }
    }

    [Fact]
    public void Samples_EveryOperation_HasSuccessAndErrorSamples()
    {
        // Arrange
        var operations = OpenApiSpec.Committed.Operations.Select(o => o.OperationId).ToList();

        // Act
        var withoutSuccess = operations.Where(o => !OpenApiSamples.All.Any(s => s.OperationId == o && s.Status is >= 200 and < 300)).ToList();
        var withoutError = operations.Except(WithoutErrorSamples).Where(o => !OpenApiSamples.All.Any(s => s.OperationId == o && s.Status >= 400)).ToList();
        var unknown = OpenApiSamples.All.Select(s => s.OperationId).Distinct().Except(operations).ToList();

        // Assert
        Assert.True(withoutSuccess.Count == 0, "Operations without a success sample in OpenApiSamples: " + string.Join(", ", withoutSuccess));
        Assert.True(withoutError.Count == 0, "Operations without an error sample in OpenApiSamples: " + string.Join(", ", withoutError));
        Assert.Empty(unknown);
        Assert.Equal(OpenApiSamples.All.Count, OpenApiSamples.All.Select(s => s.Name).Distinct().Count());
    }

    [Fact]
    public async Task Document_Served_IsTheCommittedDocumentAsJsonWithoutAKey()
    {
        // Arrange
        using var client = world.App.CreateClient(withFunctionKey: false);

        // Act
        using var response = await client.GetAsync(new Uri(Routes.OpenApi, UriKind.Relative));
        var served = JsonNode.Parse(await response.Content.ReadAsStringAsync());

        // Assert
        await ManagementApi.ExpectStatusAsync(response, System.Net.HttpStatusCode.OK);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.True(JsonNode.DeepEquals(OpenApiSpec.Committed.Document, served), "The served document differs from " + OpenApiSpec.RelativePath);
    }

    [Fact]
    public void Examples_EveryMediaTypeExample_ValidatesAgainstItsSchema()
    {
        // Arrange: examples in responses and request bodies, and in components.responses.
        var spec = OpenApiSpec.Committed;
        var mediaTypes = Descendants(spec.Document).Where(o => o["schema"] is not null && o["examples"] is JsonObject).ToList();

        // Act
        var failures = mediaTypes
            .SelectMany(m => m["examples"]!.AsObject().Select(e => (Name: e.Key, Errors: Validate(spec, m["schema"]!, e.Value!["value"]!))))
            .Where(e => e.Errors.Count > 0)
            .Select(e => $"{e.Name}: {string.Join("; ", e.Errors)}")
            .ToList();

        // Assert
        Assert.True(mediaTypes.Count >= 10, $"Only {mediaTypes.Count} media types with examples were found.");
        Assert.Empty(failures);
    }

    private static IReadOnlyList<string> Validate(OpenApiSpec spec, JsonNode schema, JsonNode value)
    {
        using var document = JsonDocument.Parse(value.ToJsonString());
        return spec.Validate(schema, document.RootElement);
    }

    private static IEnumerable<JsonObject> Descendants(JsonNode node) => node switch
    {
        JsonObject o => [o, .. o.Select(p => p.Value).OfType<JsonNode>().SelectMany(Descendants)],
        JsonArray a => a.OfType<JsonNode>().SelectMany(Descendants),
        _ => [],
    };

    private HttpClient Client(SampleTarget target) => target switch
    {
        SampleTarget.App => world.App.Client,
        SampleTarget.AppWithoutKey => world.App.CreateClient(withFunctionKey: false),
        SampleTarget.UnreachableStorage => world.Unreachable.Client,
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
    };
}
