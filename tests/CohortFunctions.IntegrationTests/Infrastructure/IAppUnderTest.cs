namespace CohortFunctions.IntegrationTests.Infrastructure;

/// <summary>
/// What an HTTP test needs of the app, whichever host runs it: the local host in this process (<see cref="TestApp"/>)
/// or the real Azure Functions host in its own process (<see cref="RealHost.RealHostApp"/>). Tests written against this
/// run unchanged on both, so the two hosts cannot drift apart.
/// </summary>
public interface IAppUnderTest
{
    /// <summary>Where the app listens, e.g. <c>http://127.0.0.1:39127/</c>.</summary>
    Uri BaseAddress { get; }

    /// <summary>A client that sends the function key, as an operator's tooling would.</summary>
    HttpClient Client { get; }

    /// <summary>The function key management calls need; null when the app needs none.</summary>
    string? FunctionKey { get; }

    /// <summary>The prefix of the app's tables in <see cref="StorageConnectionString"/>.</summary>
    string TablePrefix { get; }

    /// <summary>The connection string of the app's table storage, to look at its rows directly.</summary>
    string StorageConnectionString { get; }

    /// <summary>The value of a setting the app was started with (<c>:</c> between sections).</summary>
    string Setting(string key);

    /// <summary>A configured partner's API key.</summary>
    string PartnerApiKey(string partner) => Setting($"Partners:{partner}:ApiKeys:0");

    /// <summary>A new client; without the function key when <paramref name="withFunctionKey"/> is false.</summary>
    HttpClient CreateClient(bool withFunctionKey = true);

    /// <summary>Everything the app (and its host) logged so far, as text.</summary>
    string LogText();
}
