using System.ComponentModel.DataAnnotations;

namespace CohortFunctions.ImportKeys;

/// <summary>How data import keys are resolved (section <c>ImportKeys</c>).</summary>
internal sealed class ImportKeysOptions
{
    public const string SectionName = "ImportKeys";

    /// <summary>
    /// How long a resolved key is trusted without asking storage again. An invalidated key stops working at once
    /// on the instance that invalidated it and within this many seconds on every other instance.
    /// </summary>
    [Range(0, 30)]
    public int CacheSeconds { get; set; } = 30;

    /// <summary>How often, at most, a key's <c>last_used_at</c> is written per instance, so postbacks do not each pay a write.</summary>
    [Range(1, 86_400)]
    public int LastUsedWriteIntervalSeconds { get; set; } = 300;
}
