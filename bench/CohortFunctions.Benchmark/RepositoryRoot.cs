namespace CohortFunctions.Benchmark;

/// <summary>Where the repository is: the folder with CohortFunctions.sln above the working directory or the binary.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CohortFunctions.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }
}
