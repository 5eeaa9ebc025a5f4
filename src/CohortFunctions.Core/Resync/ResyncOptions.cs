using System.ComponentModel.DataAnnotations;

namespace CohortFunctions.Resync;

/// <summary>Deferred matching and the resync timers (section <c>Resync</c>; the timer schedules are top-level settings).</summary>
internal sealed class ResyncOptions
{
    public const string SectionName = "Resync";

    /// <summary>Setting holding the resync timer's six-field NCRONTAB schedule (default every minute).</summary>
    public const string ScheduleSetting = "ResyncSchedule";

    /// <summary>Setting holding the maintenance timer's schedule (default daily at 03:00 UTC).</summary>
    public const string MaintenanceScheduleSetting = "MaintenanceSchedule";

    /// <summary>How long an identifier that matched no user is kept for retries.</summary>
    [Range(1, 90)]
    public int RetentionDays { get; set; } = 7;

    /// <summary>How long one timer run may work before it stops and leaves the rest to the next run.</summary>
    [Range(5, 600)]
    public int RunBudgetSeconds { get; set; } = 45;

    /// <summary>How long a manual resync request may work before it answers with what it did.</summary>
    [Range(1, 120)]
    public int RequestBudgetSeconds { get; set; } = 20;

    /// <summary>Pending identifiers read and applied per step of a pass.</summary>
    [Range(1, 1000)]
    public int StepSize { get; set; } = 500;

    public TimeSpan Retention => TimeSpan.FromDays(RetentionDays);
}
