using System.Text.Json;
using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Memberships;
using CohortFunctions.Results;
using CohortFunctions.Telemetry;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Logging;

namespace CohortFunctions.Users;

/// <summary>
/// The users feature of the management API: create and update users (<see cref="UserUpserter"/>), identify anonymous
/// ones (<see cref="UserIdentification"/>, merging into an existing user with <see cref="UserMerge"/> when the external
/// id is taken), delete them (<see cref="UserDeletion"/>); <see cref="UserLookup"/> looks them up. This class reads the request, runs its
/// entries (<see cref="EntryBatch"/>) and reports what they did.
/// <para>
/// Consistency without transactions across tables rests on an order every operation keeps: a profile is written
/// before any index row points at it, and index rows are released before a profile is deleted, so an index row never
/// points at a profile that is not there (one that does is left over from a crash or a lost race, and is treated as
/// belonging to no one). Index rows are claimed with create-only writes and changed only under ETags
/// (<see cref="IdentifierClaims"/>), so an identifier belongs to at most one user however requests interleave; every
/// step can be repeated.
/// </para>
/// </summary>
internal sealed partial class UserService
{
    internal const string NotFoundMessage = "No such user in this workspace.";

    private readonly IUserStore _store;
    private readonly ILogger<UserService> _logger;
    private readonly UserUpserter _upserter;
    private readonly UserIdentification _identification;
    private readonly UserDeletion _deletion;

    public UserService(IUserStore store, IIdentifierIndex index, IUserMemberships memberships, CohortMetrics metrics, TimeProvider time, ILogger<UserService> logger)
    {
        (_store, _logger) = (store, logger);
        var claims = new IdentifierClaims(store, metrics);
        var profiles = new ProfileWriter(store, metrics);
        _upserter = new UserUpserter(store, index, claims, profiles, time);
        _identification = new UserIdentification(store, index, claims, profiles, new UserMerge(store, claims, profiles, memberships, logger));
        _deletion = new UserDeletion(store, claims, memberships);
    }

    /// <summary><c>POST .../users</c>: creates or updates each entry; invalid ones are reported, valid ones applied.</summary>
    public Task<Result<UpsertUsersOutcome>> UpsertAsync(string? workspace, JsonElement body, CancellationToken cancellationToken)
    {
        var fresh = new FreshProfiles();
        return RunAsync(
            workspace,
            UpsertUsersRequest.Parse(body),
            UserEntryValidation.Validate,
            e => e.Identifiers.Select(i => i.Identifier),
            (ws, entry, ct) => _upserter.ApplyAsync(ws, entry, fresh, ct),
            (ws, leaders, ct) => _upserter.PrepareAsync(ws, leaders, fresh, ct),
            (ws, ct) => _upserter.CompleteAsync(ws, fresh, ct),
            Upserted,
            cancellationToken);
    }

    /// <summary><c>POST .../users/identify</c>: identifies each entry's anonymous user, or merges it into the one with the external id.</summary>
    public Task<Result<IdentifyUsersOutcome>> IdentifyAsync(string? workspace, JsonElement body, CancellationToken cancellationToken) =>
        RunAsync(workspace, IdentifyUsersRequest.Parse(body), UserEntryValidation.Validate, e => [e.Lookup, Identifier.External(e.ExternalId)], _identification.ApplyAsync, null, null, Identified, cancellationToken);

    /// <summary><c>DELETE .../users/{id}</c>: see <see cref="UserDeletion"/>.</summary>
    public async Task<Result<UserId>> DeleteAsync(string? workspace, string? userId, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        if (!UserId.TryParse(userId, out var user) || await _store.GetAsync(ws, user, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return Failure.NotFound(NotFoundMessage);
        }

        await _deletion.DeleteAsync(ws, stored, cancellationToken).ConfigureAwait(false);
        Log.UserDeleted(_logger, ws.Value, user.Value);
        return user;
    }

    /// <summary>A batch request: the workspace first, then the body, then every entry (<see cref="EntryBatch"/>), then the report.</summary>
    private static async Task<Result<TOutcome>> RunAsync<TRequest, TEntry, TOutcome>(
        string? workspace,
        Result<IReadOnlyList<RequestEntry<TRequest>>> request,
        Func<int, TRequest, (TEntry? Entry, string? Error)> validate,
        Func<TEntry, IEnumerable<Identifier>> identifiers,
        Func<WorkspaceId, TEntry, CancellationToken, Task<EntryOutcome>> apply,
        Func<WorkspaceId, IReadOnlyList<TEntry>, CancellationToken, Task>? prepare,
        Func<WorkspaceId, CancellationToken, Task>? complete,
        Func<WorkspaceId, IReadOnlyList<EntryOutcome>, TOutcome> report,
        CancellationToken cancellationToken)
        where TRequest : class
        where TEntry : class
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        if (!request.TryGetValue(out var entries, out var invalid))
        {
            return invalid;
        }

        var outcomes = await EntryBatch.RunAsync(
            entries,
            validate,
            identifiers,
            (entry, ct) => apply(ws, entry, ct),
            prepare is null ? null : (leaders, ct) => prepare(ws, leaders, ct),
            complete is null ? null : ct => complete(ws, ct),
            cancellationToken).ConfigureAwait(false);
        return report(ws, outcomes);
    }

    private UpsertUsersOutcome Upserted(WorkspaceId workspace, IReadOnlyList<EntryOutcome> outcomes)
    {
        var outcome = new UpsertUsersOutcome(Count(outcomes, EntryResult.Created), Count(outcomes, EntryResult.Updated), Errors(workspace, outcomes));
        Log.UsersUpserted(_logger, workspace.Value, outcome.Created, outcome.Updated, outcome.Errors.Count);
        return outcome;
    }

    private IdentifyUsersOutcome Identified(WorkspaceId workspace, IReadOnlyList<EntryOutcome> outcomes)
    {
        var outcome = new IdentifyUsersOutcome(Count(outcomes, EntryResult.Identified), Count(outcomes, EntryResult.Merged), Errors(workspace, outcomes));
        Log.UsersIdentified(_logger, workspace.Value, outcome.Identified, outcome.Merged, outcome.Errors.Count);
        return outcome;
    }

    private static int Count(IReadOnlyList<EntryOutcome> outcomes, EntryResult result) => outcomes.Count(o => o.Result == result);

    private List<UserEntryError> Errors(WorkspaceId workspace, IReadOnlyList<EntryOutcome> outcomes)
    {
        var errors = new List<UserEntryError>();
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (outcomes[i].Result == EntryResult.Failed)
            {
                // Messages name request fields, never identifier values (they may be personal data).
                Log.EntryRejected(_logger, workspace.Value, i, outcomes[i].Error!);
                errors.Add(new UserEntryError(i, outcomes[i].Error!));
            }
        }

        return errors;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Users upserted in workspace {Workspace}: {Created} created, {Updated} updated, {Errors} rejected")]
        public static partial void UsersUpserted(ILogger logger, string workspace, int created, int updated, int errors);

        [LoggerMessage(Level = LogLevel.Information, Message = "Users identified in workspace {Workspace}: {Identified} identified, {Merged} merged, {Errors} rejected")]
        public static partial void UsersIdentified(ILogger logger, string workspace, int identified, int merged, int errors);

        [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} deleted from workspace {Workspace}")]
        public static partial void UserDeleted(ILogger logger, string workspace, string userId);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Entry {Index} rejected in workspace {Workspace}: {Reason}")]
        public static partial void EntryRejected(ILogger logger, string workspace, int index, string reason);
    }
}
