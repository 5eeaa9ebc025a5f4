using CohortFunctions.Contracts;

namespace CohortFunctions.UnitTests.Users;

/// <summary>The store contract on <see cref="InMemoryUserStore"/>, the fake the users feature's tests run on.</summary>
public sealed class InMemoryUserStoreContractTests() : UserStoreContract(time =>
{
    var store = new InMemoryUserStore(time);
    return (store, store);
});
