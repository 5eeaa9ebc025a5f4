using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace CohortFunctions.CohortSyncTests.Fakes;

/// <summary>
/// Answers <c>POST /manage/workspaces/{ws}/users</c> like the app: <c>{"created", "updated", "errors"}</c>, where a user
/// is created the first time its key (external id, else first device id, else first alias) is seen and updated after,
/// and an entry is rejected with a message when <see cref="Reject"/> says so. Use with <see cref="FakePartnerServer"/>.
/// </summary>
public sealed class FakeUsersApi
{
    private readonly ConcurrentDictionary<string, int> _applied = new(StringComparer.Ordinal);

    /// <summary>The message to reject an entry with, or <c>null</c> to apply it.</summary>
    public Func<JsonElement, string?> Reject { get; init; } = _ => null;

    /// <summary>How many times each user was applied (created or updated), by key.</summary>
    public IReadOnlyDictionary<string, int> Applied => _applied;

    public Task<HttpResponseMessage> Respond(RecordedRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        int created = 0, updated = 0, index = 0;
        var errors = new List<object>();
        foreach (var user in request.Body.GetProperty("users").EnumerateArray())
        {
            if (Reject(user) is { } message)
            {
                errors.Add(new { index, message });
            }
            else if (_applied.AddOrUpdate(Key(user), 1, (_, count) => count + 1) == 1)
            {
                created++;
            }
            else
            {
                updated++;
            }

            index++;
        }

        return Task.FromResult(Responses.Json(HttpStatusCode.OK, new { created, updated, errors }));
    }

    /// <summary>The key a user is known by here: its external id, else its first device id, else its first alias.</summary>
    public static string Key(JsonElement user) =>
        user.TryGetProperty("external_id", out var external) ? external.GetString()!
        : user.TryGetProperty("device_ids", out var devices) ? $"device:{devices[0].GetString()}"
        : $"alias:{user.GetProperty("aliases")[0].GetProperty("alias_label").GetString()}={user.GetProperty("aliases")[0].GetProperty("alias_name").GetString()}";

    /// <summary>The external ids of a users request, in order.</summary>
    public static IReadOnlyList<string> ExternalIds(RecordedRequest request) =>
        [.. request.Body.GetProperty("users").EnumerateArray().Select(u => u.TryGetProperty("external_id", out var e) ? e.GetString()! : "")];
}
