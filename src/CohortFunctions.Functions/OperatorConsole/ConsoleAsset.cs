namespace CohortFunctions.App.OperatorConsole;

/// <summary>One static file of the operator console, as it is served: its bytes, media type and strong ETag.</summary>
internal sealed record ConsoleAsset(string Path, byte[] Content, string ContentType, string ETag);
