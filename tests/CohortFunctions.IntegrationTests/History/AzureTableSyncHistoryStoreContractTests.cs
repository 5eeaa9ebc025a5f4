using CohortFunctions.Contracts;
using CohortFunctions.IntegrationTests.Users;
using CohortFunctions.Storage;

namespace CohortFunctions.IntegrationTests.History;

/// <summary>The history store contract on the Table Storage adapter, on Azurite: paging, merging, ranges and retention.</summary>
public sealed class AzureTableSyncHistoryStoreContractTests(StorageTablesFixture tables)
    : SyncHistoryStoreContract(() => new AzureTableSyncHistoryStore(tables.Tables)), IClassFixture<StorageTablesFixture>;
