using System.Buffers;
using System.Globalization;
using System.Text.Json;
using CohortFunctions.CohortSync.Members;

namespace CohortFunctions.CohortSync.Sync;

/// <summary>
/// The bodies of Braze's two partner endpoints, written as Braze's callers write them:
/// credentials in the body; an add object without <c>should_remove</c> and a remove object with
/// <c>should_remove: true</c>, each with all three identifier arrays, empty ones as <c>[]</c>.
/// </summary>
internal static class PartnerRequests
{
    public static string CohortsPath(string partner) => $"partners/{Uri.EscapeDataString(partner)}/cohorts";

    public static string CohortUsersPath(string partner) => $"partners/{Uri.EscapeDataString(partner)}/cohorts/users";

    /// <summary><c>POST /partners/{partner}/cohorts</c>: creates or renames the cohort.</summary>
    public static byte[] CohortName(CohortSyncOptions options, DateTimeOffset createdAt)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteCredentials(json, options);
            json.WriteString("name", options.CohortName);
            json.WriteString("created_at", createdAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>POST /partners/{partner}/cohorts/users</c> for one batch.</summary>
    public static byte[] CohortUsers(CohortSyncOptions options, SyncBatch batch)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (batch.Count * 48));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteCredentials(json, options);
            json.WriteStartArray("cohort_changes");
            if (batch.Adds.Count > 0)
            {
                WriteChange(json, batch.Adds, remove: false);
            }

            if (batch.Removes.Count > 0)
            {
                WriteChange(json, batch.Removes, remove: true);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteCredentials(Utf8JsonWriter json, CohortSyncOptions options)
    {
        json.WriteString("partner_api_key", options.PartnerApiKey);
        json.WriteString("client_secret", options.DataImportKey);
        json.WriteString("cohort_id", options.CohortId);
    }

    private static void WriteChange(Utf8JsonWriter json, IReadOnlyList<MemberIdentifier> members, bool remove)
    {
        json.WriteStartObject();
        WriteValues(json, "user_ids", members, IdentifierKind.UserId);
        WriteValues(json, "device_ids", members, IdentifierKind.DeviceId);
        json.WriteStartArray("aliases");
        foreach (var member in members)
        {
            if (member.Kind == IdentifierKind.Alias)
            {
                json.WriteStartObject();
                json.WriteString("alias_name", member.Value);
                json.WriteString("alias_label", member.AliasLabel);
                json.WriteEndObject();
            }
        }

        json.WriteEndArray();
        if (remove)
        {
            json.WriteBoolean("should_remove", true);
        }

        json.WriteEndObject();
    }

    private static void WriteValues(Utf8JsonWriter json, string name, IReadOnlyList<MemberIdentifier> members, IdentifierKind kind)
    {
        json.WriteStartArray(name);
        foreach (var member in members)
        {
            if (member.Kind == kind)
            {
                json.WriteStringValue(member.Value);
            }
        }

        json.WriteEndArray();
    }
}
