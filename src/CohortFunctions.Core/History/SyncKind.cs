namespace CohortFunctions.History;

/// <summary>What a sync history record is about.</summary>
internal enum SyncKind
{
    /// <summary>A partner's name call (<c>POST /partners/{partner}/cohorts</c>).</summary>
    Name,

    /// <summary>A users postback with at least one identifier (<c>POST /partners/{partner}/cohorts/users</c>).</summary>
    Changes,

    /// <summary>A users postback without any identifier: how senders test a data import key.</summary>
    CredentialTest,

    /// <summary>A resync pass that applied pending identifiers.</summary>
    Resync,
}
