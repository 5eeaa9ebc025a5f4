using CohortFunctions.CohortSync.Import;

namespace CohortFunctions.CohortSync.Cli;

/// <summary>Everything one <c>cohort-sync users</c> invocation needs, from the command line and the environment.</summary>
internal sealed record UserImportSettings(UserImportOptions Options, bool Json, TimeSpan ProgressInterval);
