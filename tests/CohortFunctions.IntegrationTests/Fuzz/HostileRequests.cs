using System.Text;
using CsCheck;

namespace CohortFunctions.IntegrationTests.Fuzz;

/// <summary>What a fuzz case must get back, beyond <see cref="ResponseSafety"/>.</summary>
public enum Expect
{
    /// <summary>Any answer but a 5xx.</summary>
    Anything,

    /// <summary>A 4xx: the request is invalid by construction.</summary>
    Rejected,

    /// <summary>200 with every entry of a batch reported as an error and nothing created, updated, identified or merged.</summary>
    EveryEntryRejected,
}

/// <summary>How a case presents the function key.</summary>
public enum KeyUse
{
    Right,
    None,
    Wrong,
}

/// <summary>One generated request: <see cref="Label"/> says what was done to the valid request it came from.</summary>
public sealed record HostileRequest(string Label, HttpMethod Method, string Path, byte[]? Body, string? ContentType, KeyUse Key, Expect Expect)
{
    /// <summary>The request as text, to tell an echo of what was sent from a leak.</summary>
    public string SentText() => System.Net.WebUtility.UrlDecode(Path) + " " + Path + " " + (Body is null ? "" : Encoding.UTF8.GetString(Body));

    public override string ToString()
    {
        var body = Body is null ? "" : Encoding.UTF8.GetString(Body);
        return $"{Label}\n  {Method} {(Path.Length > 300 ? Path[..300] + "…" : Path)} (key: {Key})\n  body ({Body?.Length ?? 0} bytes): {(body.Length > 600 ? body[..600] + "…" : body)}";
    }
}

/// <summary>
/// An endpoint as the fuzz aims at it: its route with plausible values for a <see cref="FuzzWorkspace"/>, a valid
/// body, a valid query. Hostile requests are these with one or two things broken.
/// </summary>
public sealed record FuzzTarget(
    string Name,
    HttpMethod Method,
    string Route,
    Func<FuzzWorkspace, IReadOnlyList<(string Name, string Value)>> RouteValues,
    Func<FuzzWorkspace, JObj>? Body = null,
    Func<FuzzWorkspace, IReadOnlyList<(string Name, string? Value)>>? Query = null,
    bool Partner = false)
{
    /// <summary>The path with <paramref name="values"/> in the route and <paramref name="query"/> (a null value: the name alone).</summary>
    public string PathFor(IReadOnlyList<(string Name, string Value)> values, IReadOnlyList<(string Name, string? Value)> query)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(query);
        var path = Route;
        foreach (var (name, value) in values)
        {
            path = path.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }

        return query.Count == 0 ? path : path + "?" + string.Join("&", query.Select(q => q.Value is null ? q.Name : $"{q.Name}={q.Value}"));
    }
}

/// <summary>The endpoints the fuzz covers and the general hostile-request generator.</summary>
public static class HostileRequests
{
    private static readonly Gen<string?> ContentType = Gen.OneOf<string?>(
        "application/json", "application/json; charset=utf-8", "text/plain", null, "application/x-www-form-urlencoded", "application/json; charset=utf-16");

    public static readonly FuzzTarget NameCohort = new(
        "NameCohort", HttpMethod.Post, "partners/{partner}/cohorts", _ => [("partner", "amplitude")], w => PartnerBody(w,
            ("cohort_id", Json.Str(FuzzWorkspace.CohortOne)), ("name", Json.Str("Cohort one")), ("created_at", Json.Str("2021-01-21T19:20:30+05:00"))),
        Partner: true);

    public static readonly FuzzTarget ChangeCohortUsers = new(
        "ChangeCohortUsers", HttpMethod.Post, "partners/{partner}/cohorts/users", _ => [("partner", "amplitude")], w => PartnerBody(w,
            ("cohort_id", Json.Str(FuzzWorkspace.CohortOne)),
            ("cohort_changes", Json.Arr(
                Json.Obj(
                    ("user_ids", Json.Arr(Json.Str("u1"), Json.Str("u3"))),
                    ("device_ids", Json.Arr(Json.Str(FuzzWorkspace.AnonymousDevice))),
                    ("aliases", Json.Arr(Json.Obj(("alias_name", Json.Str("a2")), ("alias_label", Json.Str("email")))))),
                Json.Obj(("user_ids", Json.Arr(Json.Str("u2"))), ("should_remove", Json.Raw("true")))))),
        Partner: true);

    public static readonly FuzzTarget UpsertUsers = new(
        "UpsertUsers", HttpMethod.Post, "manage/workspaces/{workspace}/users", Ws, _ => new JObj(
        [
            ("users", Json.Arr(
                Json.Obj(("external_id", Json.Str("u1")), ("device_ids", Json.Arr(Json.Str("d1b"))), ("aliases", Json.Arr(Json.Obj(("alias_name", Json.Str("p1")), ("alias_label", Json.Str("phone")))))),
                Json.Obj(("external_id", Json.Str("new-1"))),
                Json.Obj(("device_ids", Json.Arr(Json.Str("anon-2")))))),
        ]));

    public static readonly FuzzTarget IdentifyUsers = new(
        "IdentifyUsers", HttpMethod.Post, "manage/workspaces/{workspace}/users/identify", Ws, _ => new JObj(
        [
            ("identify", Json.Arr(
                Json.Obj(("external_id", Json.Str("u9")), ("device_id", Json.Str("anon-2"))),
                Json.Obj(("external_id", Json.Str("u8")), ("user_alias", Json.Obj(("alias_name", Json.Str("nobody")), ("alias_label", Json.Str("amplitude_id"))))))),
        ]));

    public static readonly FuzzTarget LookupUser = new(
        "LookupUser", HttpMethod.Get, "manage/workspaces/{workspace}/users/lookup", Ws, Query: _ => [("external_id", "u1")]);

    public static readonly FuzzTarget DeleteUser = new(
        "DeleteUser", HttpMethod.Delete, "manage/workspaces/{workspace}/users/{userId}", w => [.. Ws(w), ("userId", "0123456789abcdef0123")]);

    public static readonly FuzzTarget CreateSegment = new(
        "CreateSegment", HttpMethod.Post, "manage/workspaces/{workspace}/segments", Ws, _ => FuzzWorkspace.SegmentBody("fuzz"));

    public static readonly FuzzTarget UpdateSegment = new(
        "UpdateSegment", HttpMethod.Put, "manage/workspaces/{workspace}/segments/{segmentId}", w => [.. Ws(w), ("segmentId", w.SegmentId)], _ => FuzzWorkspace.SegmentBody("S1"));

    public static readonly FuzzTarget DeleteSegment = new(
        "DeleteSegment", HttpMethod.Delete, "manage/workspaces/{workspace}/segments/{segmentId}", w => [.. Ws(w), ("segmentId", "0000000000000000")]);

    public static readonly FuzzTarget SegmentUsers = new(
        "ExportSegmentUsers", HttpMethod.Get, "manage/workspaces/{workspace}/segments/{segmentId}/users", w => [.. Ws(w), ("segmentId", w.SegmentId)], Query: _ => [("limit", "2")]);

    public static readonly FuzzTarget SetSchedule = new(
        "SetCohortSchedule", HttpMethod.Put, "manage/workspaces/{workspace}/cohorts/{partner}/{cohortId}/schedule", CohortValues, _ => new JObj([("cadence", Json.Str("daily"))]));

    public static readonly FuzzTarget Resync = new(
        "ResyncCohort", HttpMethod.Post, "manage/workspaces/{workspace}/cohorts/{partner}/{cohortId}/resync", CohortValues);

    public static readonly FuzzTarget Members = new(
        "ListCohortMembers", HttpMethod.Get, "manage/workspaces/{workspace}/cohorts/{partner}/{cohortId}/members", CohortValues,
        Query: _ => [("limit", "2"), ("continuation", "")]);

    /// <summary>
    /// A two-day range: a report reads 8 partitions per day (2 partners, 4 buckets), so a year costs ~2,900 queries and
    /// seconds per request; a few hostile values still widen it to the default 30 days.
    /// </summary>
    public static readonly FuzzTarget DataPoints = new(
        "GetDataPoints", HttpMethod.Get, "manage/workspaces/{workspace}/data-points", Ws, Query: _ => [("from", "2020-01-01"), ("to", "2020-01-02")]);

    public static readonly FuzzTarget ListCohorts = new("ListCohorts", HttpMethod.Get, "manage/workspaces/{workspace}/cohorts", Ws);

    public static readonly FuzzTarget CohortFilters = new("ListCohortFilters", HttpMethod.Get, "manage/workspaces/{workspace}/cohort-filters", Ws);

    public static readonly FuzzTarget CreateKey = new(
        "CreateImportKey", HttpMethod.Post, "manage/workspaces/{workspace}/partners/{partner}/keys", w => [.. Ws(w), ("partner", "amplitude")], _ => new JObj([("note", Json.Str("fuzz"))]));

    public static readonly FuzzTarget ListKeys = new(
        "ListImportKeys", HttpMethod.Get, "manage/workspaces/{workspace}/partners/{partner}/keys", w => [.. Ws(w), ("partner", "amplitude")]);

    public static readonly FuzzTarget InvalidateKey = new(
        "InvalidateImportKey", HttpMethod.Delete, "manage/workspaces/{workspace}/partners/{partner}/keys/{keyId}", w => [.. Ws(w), ("partner", "amplitude"), ("keyId", "0123456789abcdef")]);

    /// <summary>Every target with its weight in the general fuzz: the partner endpoints and the writes most.</summary>
    public static readonly IReadOnlyList<(int Weight, FuzzTarget Target)> Targets =
    [
        (12, ChangeCohortUsers), (6, NameCohort), (6, UpsertUsers), (4, IdentifyUsers), (4, LookupUser), (1, DeleteUser),
        (4, CreateSegment), (3, UpdateSegment), (1, DeleteSegment), (1, SegmentUsers), (3, SetSchedule), (1, Resync),
        (3, Members), (3, DataPoints), (1, ListCohorts), (1, CohortFilters), (2, CreateKey), (1, ListKeys), (1, InvalidateKey),
    ];

    private static readonly Gen<FuzzTarget> Target = Gen.Frequency([.. Targets.Select(t => (t.Weight, t.Target))]);

    /// <summary>The general fuzz: any endpoint, one or two things broken anywhere, or a valid request now and then.</summary>
    public static HostileRequest NextGeneral(PCG pcg, FuzzWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var target = Target.Draw(pcg);
        var labels = new List<string> { target.Name };
        var values = target.RouteValues(workspace).ToList();
        var query = target.Query?.Invoke(workspace).ToList() ?? [];
        var body = target.Body?.Invoke(workspace);
        byte[]? bytes = body is null ? null : body.Utf8();

        var edits = Gen.Frequency((1, Gen.Const(0)), (6, Gen.Const(1)), (2, Gen.Const(2))).Draw(pcg);
        for (var i = 0; i < edits; i++)
        {
            var kind = Gen.Int[0, 9].Draw(pcg);
            if (body is not null && kind < 6 && JsonEdit.SlotCount(body) > 0)
            {
                var slot = Gen.Int[0, JsonEdit.SlotCount(body) - 1].Draw(pcg);
                var edit = HostileValues.Edit.Draw(pcg);
                (var edited, var path) = JsonEdit.Apply(body, slot, edit);
                body = edited as JObj ?? body;
                bytes = edited.Utf8();
                labels.Add($"{path}: {edit}");
            }
            else if (body is not null && kind < 8)
            {
                var corruption = Corruptions.Any.Draw(pcg);
                bytes = corruption.Apply(bytes!, pcg);
                labels.Add(corruption.Name);
            }
            else if (kind % 2 == 0)
            {
                var index = Gen.Int[0, values.Count - 1].Draw(pcg);
                var value = RouteValue.Draw(pcg);
                labels.Add($"route {values[index].Name} = {value}");
                values[index] = (values[index].Name, value);
            }
            else
            {
                labels.Add(EditQuery(query, pcg));
            }
        }

        var key = target.Partner ? KeyUse.Right : Gen.Frequency((18, Gen.Const(KeyUse.Right)), (1, Gen.Const(KeyUse.None)), (1, Gen.Const(KeyUse.Wrong))).Draw(pcg);
        return new HostileRequest(string.Join("; ", labels), target.Method, target.PathFor(values, query), bytes, ContentType.Draw(pcg), key, Expect.Anything);
    }

    /// <summary>A hostile route value, URL-encoded: any id, a broken escape, or a workspace-like id that is not one.</summary>
    public static readonly Gen<string> RouteValue = Gen.Frequency(
        (7, HostileValues.UrlId.Select(HostileValues.UrlEncode)),
        (2, HostileValues.BrokenEscape),
        (2, Gen.OneOf("Acme", "acme_corp", "-acme", "acme%0A", new string('a', 64), "amplitude", "mixpanel", "AMPLITUDE", "nosuch", "0123456789abcdef0123", "ws-0000000000000000")));

    private static readonly Gen<string> QueryValue = Gen.Frequency(
        (5, HostileValues.UrlId.Select(HostileValues.UrlEncode)),
        (2, HostileValues.BrokenEscape),
        (3, Gen.OneOf([.. HostileValues.Numbers, "2026-02-30", "0001-01-01", "9999-12-31", "2026-1-1", "1999-12-31", "MTp4", "OTk6", "MTY6", "LTE6", "MDox", "AAAA", "===="])));

    private static readonly Gen<string> QueryName = Gen.OneOf(
        "external_id", "device_id", "alias_name", "alias_label", "limit", "continuation", "from", "to", "code", "EXTERNAL_ID", "x", "", "%00", "a%5Bb%5D");

    /// <summary>Changes the query: a hostile value, a parameter repeated, added, removed, or a name without a value.</summary>
    public static string EditQuery(List<(string Name, string? Value)> query, PCG pcg)
    {
        ArgumentNullException.ThrowIfNull(query);
        var op = query.Count == 0 ? 2 : Gen.Int[0, 4].Draw(pcg);
        var index = query.Count == 0 ? 0 : Gen.Int[0, query.Count - 1].Draw(pcg);
        switch (op)
        {
            case 0:
                var value = QueryValue.Draw(pcg);
                query[index] = (query[index].Name, value);
                return $"query {query[index].Name} = {value}";
            case 1:
                var again = QueryValue.Draw(pcg);
                query.Add((query[index].Name, again));
                return $"query {query[index].Name} repeated with {again}";
            case 2:
                var (name, added) = (QueryName.Draw(pcg), QueryValue.Draw(pcg));
                query.Add((name, added));
                return $"query {name} = {added} added";
            case 3:
                var removed = query[index].Name;
                query.RemoveAt(index);
                return $"query {removed} removed";
            default:
                query[index] = (query[index].Name, null);
                return $"query {query[index].Name} without a value";
        }
    }

    /// <summary>A partner request body: the configured partner key, the workspace's Amplitude data import key, then the fields.</summary>
    public static JObj PartnerBody(FuzzWorkspace workspace, params (string Name, Json Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        return new JObj(
        [
            ("partner_api_key", Json.Str(workspace.App.PartnerApiKey("amplitude"))),
            ("client_secret", Json.Str(workspace.Amplitude.Secret)),
            .. fields,
        ]);
    }

    private static IReadOnlyList<(string Name, string Value)> Ws(FuzzWorkspace w) => [("workspace", w.Workspace)];

    private static IReadOnlyList<(string Name, string Value)> CohortValues(FuzzWorkspace w) =>
        [("workspace", w.Workspace), ("partner", "amplitude"), ("cohortId", FuzzWorkspace.CohortOne)];
}

/// <summary>A change to a body's bytes rather than its tree: truncation, bytes that are not UTF-8, nesting past the limit.</summary>
public sealed record Corruption(string Name, Func<byte[], PCG, byte[]> Change, bool AlwaysInvalid, bool MayBeEmpty = false)
{
    public byte[] Apply(byte[] body, PCG pcg) => Change(body, pcg);
}

/// <summary>The body corruptions of the fuzz; <see cref="Invalid"/> are those no endpoint may accept.</summary>
public static class Corruptions
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    public static readonly IReadOnlyList<Corruption> All =
    [
        new("truncated", (b, p) => b.Length < 2 ? "{"u8.ToArray() : b[..Gen.Int[1, b.Length - 1].Draw(p)], AlwaysInvalid: true),
        new("emptied", (_, _) => [], AlwaysInvalid: true, MayBeEmpty: true),
        new("invalid UTF-8 before the object", (b, p) => Insert(b, 0, Gen.OneOf([.. HostileValues.InvalidUtf8]).Draw(p)), AlwaysInvalid: true),
        new("invalid UTF-8 between members", (b, p) => Insert(b, Math.Min(1, b.Length), Gen.OneOf([.. HostileValues.InvalidUtf8]).Draw(p)), AlwaysInvalid: true),
        new("invalid UTF-8 anywhere", (b, p) => Insert(b, Gen.Int[0, b.Length].Draw(p), Gen.OneOf([.. HostileValues.InvalidUtf8]).Draw(p)), AlwaysInvalid: false),
        new("not an object", (_, p) => Encoding.UTF8.GetBytes(Gen.OneOf("[]", "[{}]", "\"text\"", "42", "-0", "1e309", "null", "true").Draw(p)), AlwaysInvalid: true),
        new("whitespace only", (_, _) => " \r\n\t "u8.ToArray(), AlwaysInvalid: true, MayBeEmpty: true),
        new("nested 32 levels deeper", (b, _) => Wrap(b, 32), AlwaysInvalid: true),
        new("nested 10,000 levels deeper", (b, _) => Wrap(b, 10_000), AlwaysInvalid: true),
        new("garbage after the object", (b, p) => [.. b, .. Encoding.UTF8.GetBytes(Gen.OneOf("}", "x", "{}", ",", "\u0000", "]").Draw(p))], AlwaysInvalid: true),
        new("comment inside", (b, _) => Insert(b, Math.Min(1, b.Length), "/* c */"u8.ToArray()), AlwaysInvalid: true),
        new("trailing comma", (b, _) => [.. b.Length == 0 ? [] : b[..^1], .. ",}"u8.ToArray()], AlwaysInvalid: true),
        new("single-quoted", (b, _) => [.. b.Select(c => c == (byte)'"' ? (byte)'\'' : c)], AlwaysInvalid: true),
        new("random bytes", (_, p) => Gen.Byte.Array[1, 64].Draw(p), AlwaysInvalid: false),
        new("byte order mark first", (b, _) => [.. Bom, .. b], AlwaysInvalid: false),
        new("nested 31 levels deeper (the limit)", (b, _) => Wrap(b, 31), AlwaysInvalid: false),
        new("whitespace around", (b, _) => [.. " \n"u8.ToArray(), .. b, .. "\r\n "u8.ToArray()], AlwaysInvalid: false),
    ];

    public static readonly Gen<Corruption> Any = Gen.OneOf([.. All]);

    /// <summary>Corruptions that make any body invalid; <paramref name="emptyAllowed"/> leaves out those that empty it.</summary>
    public static Gen<Corruption> Invalid(bool emptyAllowed) => Gen.OneOf([.. All.Where(c => c.AlwaysInvalid && !(emptyAllowed && c.MayBeEmpty))]);

    private static byte[] Insert(byte[] body, int at, byte[] bytes) => [.. body[..at], .. bytes, .. body[at..]];

    /// <summary>The object with one more member holding <paramref name="depth"/> nested arrays: nesting 1 + depth deep.</summary>
    private static byte[] Wrap(byte[] body, int depth) =>
        [.. "{\"deep\":"u8.ToArray(), .. Encoding.ASCII.GetBytes(new string('[', depth) + new string(']', depth)), .. (body.Length > 2 ? ","u8.ToArray() : []), .. (body.Length > 0 ? body[1..] : "}"u8.ToArray())];
}
