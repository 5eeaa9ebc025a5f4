using CohortFunctions.Contracts;

namespace CohortFunctions.UnitTests.History;

/// <summary>The history store contract on <see cref="InMemorySyncHistoryStore"/>, the fake the history's unit tests run on.</summary>
public sealed class InMemorySyncHistoryStoreContractTests() : SyncHistoryStoreContract(() => new InMemorySyncHistoryStore());
