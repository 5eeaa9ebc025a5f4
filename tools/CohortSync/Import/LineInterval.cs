using System.Text.Json.Serialization;

namespace CohortFunctions.CohortSync.Import;

/// <summary>The lines <see cref="First"/> to <see cref="Last"/> of a file, both included.</summary>
public readonly record struct LineInterval(long First, long Last)
{
    [JsonIgnore]
    public long Count => Last - First + 1;
}
