namespace CohortFunctions.IntegrationTests.OpenApi;

/// <summary>Which app and client a sample calls.</summary>
public enum SampleTarget
{
    /// <summary>The app on Azurite, with the function key.</summary>
    App,

    /// <summary>The app on Azurite, without the function key.</summary>
    AppWithoutKey,

    /// <summary>The app whose storage does not answer.</summary>
    UnreachableStorage,
}
