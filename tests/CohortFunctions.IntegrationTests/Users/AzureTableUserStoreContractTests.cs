using CohortFunctions.Contracts;
using CohortFunctions.Storage;

namespace CohortFunctions.IntegrationTests.Users;

/// <summary>The store contract on the Table Storage adapter, on Azurite: what the unit tests' fake is held to.</summary>
public sealed class AzureTableUserStoreContractTests(StorageTablesFixture tables) : UserStoreContract(time =>
    (new AzureTableUserStore(tables.Tables, time), new AzureTableIdentifierIndex(tables.Tables))), IClassFixture<StorageTablesFixture>;
