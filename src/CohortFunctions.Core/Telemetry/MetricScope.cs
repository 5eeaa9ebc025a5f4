using CohortFunctions.Workspaces;

namespace CohortFunctions.Telemetry;

/// <summary>
/// The two dimensions every instrument has: the workspace (only as the app validated it, else <c>unknown</c>) and the
/// partner (a configured partner's name or a cohort's, else <c>unknown</c>). Built only from a
/// <see cref="WorkspaceId"/> and a partner name the app knows, so no key, identifier or cohort id can get in.
/// </summary>
internal readonly record struct MetricScope
{
    /// <summary>The value of a dimension the app does not know (an unauthenticated call, a storage call outside any workspace's work).</summary>
    public const string Unknown = "unknown";

    private static readonly AsyncLocal<MetricScope?> Ambient = new();

    private readonly string? _workspace;
    private readonly string? _partner;

    private MetricScope(string? workspace, string? partner) => (_workspace, _partner) = (workspace, partner);

    public string Workspace => _workspace ?? Unknown;

    public string Partner => _partner ?? Unknown;

    /// <summary>Neither is known.</summary>
    public static MetricScope None => default;

    /// <summary>
    /// The scope of the work under way on this flow of control (see <see cref="Enter"/>): what storage retries are
    /// counted under, since the storage pipeline knows no workspace.
    /// </summary>
    public static MetricScope Current => Ambient.Value ?? None;

    /// <summary>The work of one workspace for one partner.</summary>
    public static MetricScope Of(WorkspaceId workspace, string partner) => new(workspace.Value, partner);

    /// <summary>Work of a workspace that belongs to no partner (the users API).</summary>
    public static MetricScope Of(WorkspaceId workspace) => new(workspace.Value, null);

    /// <summary>A call whose credentials were not accepted: no workspace, and the partner only if it is configured.</summary>
    public static MetricScope Unauthenticated(string? configuredPartner) => new(null, configuredPartner);

    /// <summary>Makes <paramref name="scope"/> <see cref="Current"/> for the calls below this one until disposed.</summary>
    public static IDisposable Enter(MetricScope scope)
    {
        var previous = Ambient.Value;
        Ambient.Value = scope;
        return new Restore(previous);
    }

    private sealed class Restore(MetricScope? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
