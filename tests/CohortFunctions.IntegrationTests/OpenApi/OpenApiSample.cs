namespace CohortFunctions.IntegrationTests.OpenApi;

/// <summary>
/// One real call of an operation and the status it must answer: <see cref="Path"/> builds the request path (and may
/// create what the call needs), <see cref="Body"/> the JSON body (null for none). <see cref="Target"/> picks the app.
/// </summary>
public sealed record OpenApiSample(
    string Name,
    string OperationId,
    string Method,
    Func<ConformanceWorld, Task<string>> Path,
    int Status,
    Func<ConformanceWorld, object?>? Body = null,
    SampleTarget Target = SampleTarget.App)
{
    public override string ToString() => Name;
}
