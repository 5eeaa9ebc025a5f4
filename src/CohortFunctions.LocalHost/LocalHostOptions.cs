namespace CohortFunctions.LocalHost;

/// <summary>Settings of the local host only (section <c>LocalHost</c>); Azure ignores them.</summary>
internal sealed class LocalHostOptions
{
    public const string SectionName = "LocalHost";

    /// <summary>
    /// When set, functions whose auth level is not anonymous need this key in the <c>x-functions-key</c> header or the
    /// <c>code</c> query parameter, as the Functions host requires a function key in Azure. Empty: no key needed.
    /// </summary>
    public string? FunctionKey { get; set; }
}
