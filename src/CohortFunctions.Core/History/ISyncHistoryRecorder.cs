namespace CohortFunctions.History;

/// <summary>
/// Takes sync history records from the postback and resync paths (port; <see cref="SyncHistoryWriter"/> is the
/// implementation). Never blocks, never throws, never waits for storage: the caller's answer does not wait for it.
/// </summary>
internal interface ISyncHistoryRecorder
{
    void Record(SyncRecord record);
}
