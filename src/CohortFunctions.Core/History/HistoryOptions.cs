using System.ComponentModel.DataAnnotations;

namespace CohortFunctions.History;

/// <summary>The sync history (section <c>History</c>).</summary>
internal sealed class HistoryOptions
{
    public const string SectionName = "History";

    /// <summary>How long sync history records are kept; the maintenance timer removes older ones.</summary>
    [Range(1, 90)]
    public int RetentionDays { get; set; } = 14;

    public TimeSpan Retention => TimeSpan.FromDays(RetentionDays);
}
