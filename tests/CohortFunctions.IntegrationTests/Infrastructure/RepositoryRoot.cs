namespace CohortFunctions.IntegrationTests.Infrastructure;

/// <summary>The checkout the tests were built from: the nearest folder above the test binaries holding the solution.</summary>
public static class RepositoryRoot
{
    public const string SolutionFileName = "CohortFunctions.sln";

    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No {SolutionFileName} in {AppContext.BaseDirectory} or any folder above it: the tests must run from a build inside the repository.");
    }
}
