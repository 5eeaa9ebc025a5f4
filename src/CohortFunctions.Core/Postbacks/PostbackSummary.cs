namespace CohortFunctions.Postbacks;

/// <summary>What a users postback did; Braze answers only <c>{"message": "success"}</c>, the counts are ours.</summary>
internal sealed record PostbackSummary(int Added, int Removed, int Unchanged, int Unmatched, int DataPoints)
{
    public static PostbackSummary Empty { get; } = new(0, 0, 0, 0, 0);
}
