using System.Net;
using CohortFunctions.ImportKeys;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace CohortFunctions.IntegrationTests.Http;

/// <summary>An exception nobody expected: 500 with a request id the operator can find in the log, and no details in the response.</summary>
public sealed class UnexpectedErrorTests
{
    private const string Detail = "stack-detail-7f3a that must stay in the log";

    [Fact]
    public async Task ListKeys_StoreThrowsUnexpectedly_Returns500WithRequestIdAndLogsDetails()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(o => o.ConfigureServices(
            s => s.Replace(ServiceDescriptor.Singleton<IImportKeyStore>(new ThrowingImportKeyStore(new InvalidOperationException(Detail))))));

        // Act
        using var response = await app.Client.GetAsync(new Uri(ManageRoutes.Keys(TestIds.Workspace(), "amplitude"), UriKind.Relative));

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.InternalServerError);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("stack-detail", text, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), text, StringComparison.Ordinal);
        var body = await response.ReadJsonAsync();
        Assert.Equal(["message", "request_id"], body.PropertyNames());
        Assert.Equal("internal error", body.GetRequiredString("message"));
        var requestId = body.GetRequiredString("request_id");
        var logged = Assert.Single(app.Logs.Entries, e => e.Level == LogLevel.Error && e.Exception?.Message == Detail);
        Assert.Contains(requestId, logged.Message, StringComparison.Ordinal);
    }

    /// <summary>A store that fails every call with the given exception.</summary>
    private sealed class ThrowingImportKeyStore(Exception exception) : IImportKeyStore
    {
        public Task AddAsync(StoredImportKey key, CancellationToken cancellationToken) => throw exception;

        public Task<IReadOnlyList<DataImportKey>> ListAsync(WorkspaceId workspace, string partner, CancellationToken cancellationToken) => throw exception;

        public Task<IReadOnlyList<WorkspaceId>> ListWorkspacesAsync(CancellationToken cancellationToken) => throw exception;

        public Task<StoredImportKey?> GetAsync(WorkspaceId workspace, string partner, string keyId, CancellationToken cancellationToken) => throw exception;

        public Task InvalidateAsync(StoredImportKey key, DateTimeOffset at, CancellationToken cancellationToken) => throw exception;

        public Task<StoredImportKey?> FindByHashAsync(string secretHash, CancellationToken cancellationToken) => throw exception;

        public Task RecordLastUsedAsync(DataImportKey key, DateTimeOffset at, CancellationToken cancellationToken) => throw exception;
    }
}
