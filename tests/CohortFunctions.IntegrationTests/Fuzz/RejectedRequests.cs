using System.Globalization;
using CsCheck;

namespace CohortFunctions.IntegrationTests.Fuzz;

/// <summary>
/// Requests that every endpoint must refuse, built from a valid request of a <see cref="FuzzWorkspace"/> that would
/// change its state (its real users, cohorts, segment, keys) with exactly one thing made invalid: so a refusal that
/// still wrote something shows in the workspace's state.
/// </summary>
public static class RejectedRequests
{
    private static readonly Json[] NotStrings = [Json.Raw("5"), Json.Raw("-0"), Json.Raw("1e309"), Json.Raw("true"), Json.Raw("null"), Json.Arr(), Json.Obj(), Json.Arr(Json.Str("u1"))];

    /// <summary>Strings no id may be: empty, over 1,024 UTF-16 units, holding a lone surrogate (sent as <c>\ud800</c>) or bytes that are not UTF-8.</summary>
    private static readonly Gen<Json> InvalidIdString = Gen.Frequency(
        (1, Gen.Const<Json>(Json.Str(""))),
        (2, Gen.OneOf(new string('x', 1025), new string('x', 1023) + "🧪", string.Concat(Enumerable.Repeat("🧪", 513)), new string('a', HostileValues.OneMegabyte)).Select(s => (Json)new JStr(s))),
        (3, Gen.Select(HostileValues.Piece.Array[0, 4], Gen.OneOf("\uD800", "\uDC00", "\uDBFF", Json.NotUtf8), HostileValues.Piece.Array[0, 4], (a, s, b) => (Json)new JStr(string.Concat(a) + s + string.Concat(b)))));

    /// <summary>An id that is not one: another type, or an invalid string.</summary>
    private static readonly Gen<Json> InvalidId = Gen.Frequency((2, Gen.OneOf(NotStrings)), (3, InvalidIdString));

    /// <summary>A control character (U+0000-U+001F, U+007F-U+009F) among ordinary characters.</summary>
    private static readonly Gen<Json> ControlString = Gen.Select(
        HostileValues.Piece.Array[0, 4],
        Gen.OneOf([.. Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(c => ((char)c).ToString())]),
        HostileValues.Piece.Array[0, 4],
        (a, c, b) => (Json)new JStr(string.Concat(a) + c + string.Concat(b)));

    /// <summary>An id that cannot belong to a user: invalid, or with a control character.</summary>
    private static readonly Gen<Json> InvalidUserId = Gen.Frequency((3, InvalidId), (2, ControlString));

    private static readonly Gen<Json> InvalidCreatedAt = Gen.Frequency(
        (2, Gen.OneOf(NotStrings)),
        (3, Gen.OneOf("", "yesterday", "2021-13-01", "2021-02-30", "2021-01-01T25:00:00Z", "2021-01-01T00:00:00+99:99", "21-01-01", "2021/01/01",
            "2021-01-01T00:00:00+05:00\u0000", "2021-01-01T00:00:00.0000000000Z", "2021-01-01T00:00:00Z      padding past forty", "\uD800").Select(s => (Json)new JStr(s))));

    private static readonly Gen<Json> InvalidName = Gen.Frequency(
        (2, Gen.OneOf(NotStrings)),
        (2, Gen.OneOf("", "   ", "\t\n", new string('n', 1025), new string('n', HostileValues.OneMegabyte), "a\uD800").Select(s => (Json)new JStr(s))));

    /// <summary>The kinds of refusal, by weight: body, credentials, each endpoint's own rules, and the function key.</summary>
    private static readonly Gen<Func<PCG, FuzzWorkspace, HostileRequest>> Kind = Gen.Frequency<Func<PCG, FuzzWorkspace, HostileRequest>>(
        (4, BrokenBody),
        (4, PartnerCredentials),
        (4, PostbackFields),
        (2, NameFields),
        (3, UpsertEntries),
        (1, UpsertBody),
        (2, IdentifyEntries),
        (1, IdentifyBody),
        (2, SegmentWrites),
        (1, ScheduleWrites),
        (1, KeyWrites),
        (1, UnknownThings),
        (2, WithoutFunctionKey));

    public static HostileRequest Next(PCG pcg, FuzzWorkspace workspace) => Kind.Draw(pcg)(pcg, workspace);

    private static readonly FuzzTarget[] BodyTargets =
    [
        HostileRequests.ChangeCohortUsers, HostileRequests.NameCohort, HostileRequests.UpsertUsers, HostileRequests.IdentifyUsers,
        HostileRequests.CreateSegment, HostileRequests.UpdateSegment, HostileRequests.SetSchedule, HostileRequests.CreateKey,
    ];

    /// <summary>Any body endpoint, its valid body broken as JSON (only the key endpoint takes an empty body).</summary>
    private static HostileRequest BrokenBody(PCG pcg, FuzzWorkspace w)
    {
        var target = Gen.OneOf(BodyTargets).Draw(pcg);
        var corruption = Corruptions.Invalid(emptyAllowed: target == HostileRequests.CreateKey).Draw(pcg);
        var body = corruption.Apply(target.Body!(w).Utf8(), pcg);
        return Request(target, w, body, corruption.Name);
    }

    /// <summary>A valid postback of either endpoint with one credential wrong: 401, whatever the rest says.</summary>
    private static HostileRequest PartnerCredentials(PCG pcg, FuzzWorkspace w)
    {
        var target = Gen.OneOf(HostileRequests.ChangeCohortUsers, HostileRequests.NameCohort).Draw(pcg);
        var secret = w.Amplitude.Secret;
        var (field, value) = Gen.Frequency(
            (3, Gen.OneOf<Json?>(
                null, Json.Str(""), Json.Str(w.App.PartnerApiKey("mixpanel")), Json.Str(w.App.PartnerApiKey("amplitude") + " "), Json.Str(w.App.PartnerApiKey("amplitude").ToUpperInvariant()),
                Json.Str(secret), Json.Str(w.App.FunctionKey!), Json.Str("\uD800"), Json.Str(new string('k', HostileValues.OneMegabyte)), Json.Raw("null"), Json.Raw("5"), Json.Arr(Json.Str(w.App.PartnerApiKey("amplitude"))))
                .Select(v => ("partner_api_key", v))),
            (4, Gen.OneOf<Json?>(
                null, Json.Str(""), Json.Str(w.Mixpanel.Secret), Json.Str(w.InvalidatedSecret), Json.Str(secret.ToUpperInvariant()), Json.Str(secret + " "), Json.Str(secret[..^1]),
                Json.Str(new string('0', 64)), Json.Str(w.App.PartnerApiKey("amplitude")), Json.Str(secret[..32] + "\uD800"), Json.Str(new string('s', HostileValues.OneMegabyte)),
                Json.Raw("null"), Json.Raw("0"), Json.Obj(("client_secret", Json.Str(secret))), Json.Arr(Json.Str(secret)))
                .Select(v => ("client_secret", v)))).Draw(pcg);
        var body = Set(target.Body!(w), field, value);
        var partner = Gen.Frequency((6, Gen.Const("amplitude")), (1, Gen.OneOf("nosuch", "AMPLITUDE", "amplitude%20", "mixpanel"))).Draw(pcg);
        if (partner != "amplitude")
        {
            body = Set(target.Body!(w), "client_secret", Json.Str(secret));
            return Request(target, w, body, $"partner {partner} in the URL with Amplitude's credentials", [("partner", partner)]);
        }

        return Request(target, w, body, $"{field} {(value is null ? "removed" : value.ToString())}");
    }

    /// <summary>A users postback whose first change is valid (and would change c1) but a later part is not.</summary>
    private static HostileRequest PostbackFields(PCG pcg, FuzzWorkspace w)
    {
        var valid = Json.Obj(("user_ids", Json.Arr(Json.Str("u3"))), ("device_ids", Json.Arr()), ("aliases", Json.Arr()));
        var alias = Gen.Frequency(
            (2, Gen.OneOf(NotStrings.Where(j => j is not JObj).ToArray())),
            (2, InvalidId.Select(n => Json.Obj(("alias_name", n), ("alias_label", Json.Str("email"))))),
            (2, InvalidId.Select(l => Json.Obj(("alias_name", Json.Str("a1")), ("alias_label", l)))),
            (1, Gen.OneOf(Json.Obj(("alias_name", Json.Str("a1"))), Json.Obj(("alias_label", Json.Str("email")))))).Draw(pcg);
        var (label, changes) = Gen.Frequency(
            (2, Gen.OneOf<Json?>(null, Json.Raw("null"), Json.Obj(), Json.Str("u1"), Json.Raw("1"), Json.Obj(("user_ids", Json.Arr(Json.Str("u3"))))).Select(c => ("cohort_changes", c))),
            (2, Gen.OneOf(Json.Raw("5"), Json.Str("u1"), Json.Raw("null"), Json.Arr(), Json.Obj(), Json.Obj(("should_remove", Json.Raw("true"))), Json.Obj(("user_ids", Json.Str("u1")))).Select(c => ("change[1]", (Json?)Json.Arr(valid, c)))),
            (2, Gen.OneOf(Json.Str("u1"), Json.Raw("1"), Json.Raw("true"), Json.Obj()).Select(ids => ("user_ids", (Json?)Json.Arr(valid, Json.Obj(("device_ids", ids)))))),
            (4, InvalidId.Select(id => ("user_ids[1]", (Json?)Json.Arr(valid, Json.Obj(("user_ids", Json.Arr(Json.Str("u2"), id))))))),
            (2, InvalidId.Select(id => ("device_ids[0]", (Json?)Json.Arr(valid, Json.Obj(("device_ids", Json.Arr(id))))))),
            (3, Gen.Const(("aliases[0]", (Json?)Json.Arr(valid, Json.Obj(("aliases", Json.Arr(alias))))))),
            (2, Gen.OneOf(Json.Str("true"), Json.Raw("1"), Json.Raw("0"), Json.Arr(), Json.Obj(), Json.Str("yes")).Select(r => ("should_remove", (Json?)Json.Arr(valid, Json.Obj(("user_ids", Json.Arr(Json.Str("u1"))), ("should_remove", r)))))),
            (2, Gen.OneOf(1001, 1002, 10_000).Select(n => ($"{n} ids", (Json?)TooManyIds(n))))).Draw(pcg);
        var cohortId = Gen.Frequency((5, Gen.Const<Json?>(Json.Str(FuzzWorkspace.CohortOne))), (1, Gen.Frequency((3, InvalidUserId), (1, Gen.Const<Json>(Json.Raw("null")))).Select(j => (Json?)j))).Draw(pcg);
        var body = Set(Set(HostileRequests.ChangeCohortUsers.Body!(w), "cohort_changes", changes), "cohort_id", cohortId ?? Json.Str(FuzzWorkspace.CohortOne));
        return Request(HostileRequests.ChangeCohortUsers, w, body, $"{label}: {changes}; cohort_id {cohortId}");
    }

    /// <summary>A name call renaming c1, with its cohort id, name or created_at invalid.</summary>
    private static HostileRequest NameFields(PCG pcg, FuzzWorkspace w)
    {
        var (field, value) = Gen.Frequency(
            (2, Gen.Frequency((1, Gen.Const<Json?>((Json?)null)), (4, InvalidUserId.Select(j => (Json?)j))).Select(v => ("cohort_id", v))),
            (2, Gen.Frequency((1, Gen.Const<Json?>((Json?)null)), (4, InvalidName.Select(j => (Json?)j))).Select(v => ("name", v))),
            (2, Gen.Frequency((1, Gen.Const<Json?>((Json?)null)), (4, InvalidCreatedAt.Select(j => (Json?)j))).Select(v => ("created_at", v)))).Draw(pcg);
        var body = Set(Set(HostileRequests.NameCohort.Body!(w), "name", Json.Str("Renamed by a rejected request")), field, value);
        return Request(HostileRequests.NameCohort, w, body, $"{field} {(value is null ? "removed" : value.ToString())}");
    }

    /// <summary>One to five user entries, each invalid on its own or conflicting with the workspace's users: nothing may be applied.</summary>
    private static HostileRequest UpsertEntries(PCG pcg, FuzzWorkspace w)
    {
        var count = Gen.Int[1, 5].Draw(pcg);
        var entries = Enumerable.Range(0, count).Select(i => InvalidUser(pcg, "new-e" + i.ToString(CultureInfo.InvariantCulture))).ToList();
        var body = new JObj([("users", new JArr([.. entries.Select(e => e.Entry)]))]);
        return Request(HostileRequests.UpsertUsers, w, body.Utf8(), "entries: " + string.Join(" | ", entries.Select(e => e.Label)), expect: Expect.EveryEntryRejected);
    }

    private static (Json Entry, string Label) InvalidUser(PCG pcg, string externalId)
    {
        var id = Json.Str(externalId);
        var alias = (string name, string label) => Json.Obj(("alias_name", Json.Str(name)), ("alias_label", Json.Str(label)));
        var manyDevices = Json.Arr([.. Enumerable.Range(0, 101).Select(i => Json.Str("dev-" + i.ToString(CultureInfo.InvariantCulture)))]);
        var manyAliases = Json.Arr([.. Enumerable.Range(0, 101).Select(i => alias("al-" + i.ToString(CultureInfo.InvariantCulture), "label-" + i.ToString(CultureInfo.InvariantCulture)))]);
        var longDevices = Json.Arr([.. Enumerable.Range(0, 40).Select(i => Json.Str(i.ToString(CultureInfo.InvariantCulture) + new string('d', 1000)))]);
        var entry = Gen.Frequency(
            (2, Gen.OneOf(Json.Raw("1"), Json.Str("u1"), Json.Raw("null"), Json.Arr(), Json.Raw("true"), Json.Obj(), Json.Obj(("external_id", Json.Raw("null"))))),
            (3, InvalidUserId.Where(x => x is not JRaw { Token: "null" }).Select(x => Json.Obj(("external_id", x), ("device_ids", Json.Arr(Json.Str("dev-x")))))),
            (3, InvalidUserId.Select(d => Json.Obj(("external_id", id), ("device_ids", Json.Arr(Json.Str("dev-ok"), d))))),
            (2, InvalidUserId.Select(n => Json.Obj(("external_id", id), ("aliases", Json.Arr(alias("fine", "l1"), Json.Obj(("alias_name", n), ("alias_label", Json.Str("l2")))))))),
            (2, InvalidUserId.Select(l => Json.Obj(("external_id", id), ("aliases", Json.Arr(Json.Obj(("alias_name", Json.Str("n")), ("alias_label", l))))))),
            (2, Gen.OneOf(Json.Str("d"), Json.Raw("5"), Json.Obj(), manyDevices, longDevices).Select(d => Json.Obj(("external_id", id), ("device_ids", d)))),
            (2, Gen.OneOf(Json.Str("a"), Json.Obj(), Json.Arr(Json.Str("a")), Json.Arr(Json.Obj(("alias_name", Json.Str("n")))), Json.Arr(alias("n1", "l"), alias("n2", "l")), manyAliases)
                .Select(a => Json.Obj(("external_id", id), ("aliases", a)))),
            (4, Gen.OneOf(
                Json.Obj(("external_id", id), ("aliases", Json.Arr(alias("a1", "email")))),
                Json.Obj(("external_id", Json.Str("u2")), ("aliases", Json.Arr(alias("a1", "email")))),
                Json.Obj(("external_id", Json.Str("u1")), ("aliases", Json.Arr(alias("another", "email")))),
                Json.Obj(("aliases", Json.Arr(alias("a1", "email"))), ("device_ids", Json.Arr(Json.Str(FuzzWorkspace.AnonymousDevice)))),
                Json.Obj(("aliases", Json.Arr(alias("a1", "email"), alias("anon-a", "amplitude_id")))),
                Json.Obj(("external_id", Json.Str("u3")), ("device_ids", Json.Arr(Json.Str(FuzzWorkspace.AnonymousDevice))), ("aliases", Json.Arr(alias("x", "y"), alias("z", "y"))))))).Draw(pcg);
        return (entry, entry.ToString());
    }

    private static HostileRequest UpsertBody(PCG pcg, FuzzWorkspace w)
    {
        var thousandAndOne = Json.Arr([.. Enumerable.Range(0, 1001).Select(i => Json.Obj(("external_id", Json.Str("bulk-" + i.ToString(CultureInfo.InvariantCulture)))))]);
        var users = Gen.OneOf<Json?>(null, Json.Raw("null"), Json.Obj(), Json.Str("u1"), Json.Raw("1"), thousandAndOne).Draw(pcg);
        var body = Set(HostileRequests.UpsertUsers.Body!(w), "users", users);
        return Request(HostileRequests.UpsertUsers, w, body, $"users {(users is null ? "removed" : users.ToString())}");
    }

    /// <summary>Identify entries that must each fail, several naming the workspace's real anonymous user.</summary>
    private static HostileRequest IdentifyEntries(PCG pcg, FuzzWorkspace w)
    {
        var anon = Json.Str(FuzzWorkspace.AnonymousDevice);
        var anonAlias = Json.Obj(("alias_name", Json.Str("anon-a")), ("alias_label", Json.Str("amplitude_id")));
        var entries = Gen.Frequency(
            (1, Gen.OneOf(Json.Raw("1"), Json.Str("x"), Json.Raw("null"), Json.Arr())),
            (4, InvalidUserId.Select(x => Json.Obj(("external_id", x), ("device_id", anon)))),
            (2, InvalidUserId.Select(x => Json.Obj(("external_id", x), ("user_alias", anonAlias)))),
            (3, Gen.OneOf(
                Json.Obj(("device_id", anon)),
                Json.Obj(("external_id", Json.Str("new-i")), ("device_id", anon), ("user_alias", anonAlias)),
                Json.Obj(("external_id", Json.Str("new-i"))),
                Json.Obj(("external_id", Json.Str("new-i")), ("device_id", Json.Str("nope"))),
                Json.Obj(("external_id", Json.Str("new-i")), ("device_id", Json.Raw("5"))),
                Json.Obj(("external_id", Json.Str("new-i")), ("user_alias", Json.Str("anon-a"))),
                Json.Obj(("external_id", Json.Str("new-i")), ("user_alias", Json.Obj(("alias_name", Json.Str("anon-a"))))),
                Json.Obj(("external_id", Json.Str("new-i")), ("user_alias", Json.Obj(("alias_name", Json.Str("nope")), ("alias_label", Json.Str("email"))))),
                Json.Obj(("external_id", Json.Str("new-i")), ("device_id", Json.Str("d1"))),
                Json.Obj(("external_id", Json.Str("u2")), ("user_alias", Json.Obj(("alias_name", Json.Str("a1")), ("alias_label", Json.Str("email"))))),
                Json.Obj(("external_id", Json.Str("new-i")), ("device_id", InvalidSurrogate())))))
            .Array[1, 4].Draw(pcg);
        var body = new JObj([("identify", new JArr(entries))]);
        return Request(HostileRequests.IdentifyUsers, w, body.Utf8(), "entries: " + string.Join(" | ", entries.Select(e => e.ToString())), expect: Expect.EveryEntryRejected);
    }

    private static HostileRequest IdentifyBody(PCG pcg, FuzzWorkspace w)
    {
        var fiftyOne = Json.Arr([.. Enumerable.Range(0, 51).Select(i => Json.Obj(("external_id", Json.Str("x" + i.ToString(CultureInfo.InvariantCulture))), ("device_id", Json.Str(FuzzWorkspace.AnonymousDevice))))]);
        var identify = Gen.OneOf<Json?>(null, Json.Raw("null"), Json.Obj(), Json.Str("x"), fiftyOne).Draw(pcg);
        var body = Set(HostileRequests.IdentifyUsers.Body!(w), "identify", identify);
        return Request(HostileRequests.IdentifyUsers, w, body, $"identify {(identify is null ? "removed" : identify.ToString())}");
    }

    /// <summary>Segment writes with an invalid name or filter, on a new segment or on S1.</summary>
    private static HostileRequest SegmentWrites(PCG pcg, FuzzWorkspace w)
    {
        static Json Leaf(Json partner, Json cohort) => Json.Obj(("includes", Json.Obj(("partner", partner), ("cohort_id", cohort))));
        var c1 = Leaf(Json.Str("amplitude"), Json.Str(FuzzWorkspace.CohortOne));
        var deep = Enumerable.Range(0, 9).Aggregate(c1, (inner, _) => Json.Obj(("and", Json.Arr(inner))));
        var wide = Json.Obj(("or", Json.Arr([.. Enumerable.Repeat(c1, 51)])));
        Json[] names = [.. NotStrings, Json.Str(""), Json.Str("   "), Json.Str(new string('n', 201)), Json.Str("a\uD800")];
        Json[] filters =
        [
            Json.Raw("null"), Json.Raw("5"), Json.Str("x"), Json.Arr(), Json.Obj(), deep, wide,
            Json.Obj(("includes", Json.Obj(("partner", Json.Str("amplitude")), ("cohort_id", Json.Str(FuzzWorkspace.CohortOne)))), ("excludes", Json.Obj())),
            Json.Obj(("nope", Json.Obj())),
            Json.Obj(("\uD800", Json.Obj())),
            Json.Obj(("and", Json.Arr())),
            Json.Obj(("or", Json.Obj())),
            Json.Obj(("includes", Json.Obj(("partner", Json.Str("amplitude"))))),
            Leaf(Json.Str("amplitude"), Json.Str("nope")),
            Leaf(Json.Str("nosuch"), Json.Str(FuzzWorkspace.CohortOne)),
            Leaf(Json.Str("mixpanel"), Json.Str(FuzzWorkspace.CohortOne)),
            Leaf(Json.Str("amplitude"), Json.Str(new string('c', HostileValues.OneMegabyte))),
            Leaf(Json.Str("amplitude"), Json.Str("c1\uD800")),
            Leaf(Json.Raw("5"), Json.Str(FuzzWorkspace.CohortOne)),
            Json.Obj(("and", Json.Arr(c1, Json.Obj(("excludes", Json.Str("c2")))))),
        ];
        var (field, value) = Gen.Frequency(
            (2, Gen.OneOf(names).Select(n => ("name", n))),
            (5, Gen.OneOf(filters).Select(f => ("filter", f)))).Draw(pcg);
        var update = Gen.Bool.Draw(pcg);
        var target = update ? HostileRequests.UpdateSegment : HostileRequests.CreateSegment;
        var body = Set(target.Body!(w), field, value);
        return Request(target, w, body, $"{(update ? "update S1" : "create")}: {field} {value}");
    }

    private static HostileRequest ScheduleWrites(PCG pcg, FuzzWorkspace w)
    {
        var cadence = Gen.OneOf<Json?>(null, Json.Raw("null"), Json.Str(""), Json.Str("Hourly"), Json.Str("weekly"), Json.Str("hourly "), Json.Raw("5"), Json.Raw("true"), Json.Str("\uD800"), Json.Arr(Json.Str("hourly"))).Draw(pcg);
        var body = Set(HostileRequests.SetSchedule.Body!(w), "cadence", cadence);
        return Request(HostileRequests.SetSchedule, w, body, $"cadence {(cadence is null ? "removed" : cadence.ToString())}");
    }

    private static HostileRequest KeyWrites(PCG pcg, FuzzWorkspace w)
    {
        var partner = Gen.OneOf("nosuch", "AMPLITUDE", "amplitude%00", "%2e%2e", HostileValues.UrlEncode("amplitude/")).Draw(pcg);
        var workspace = Gen.OneOf(w.Workspace, "Acme", "acme_corp", "-acme", new string('a', 64), HostileValues.UrlEncode(w.Workspace + "\n")).Draw(pcg);
        return Request(HostileRequests.CreateKey, w, HostileRequests.CreateKey.Body!(w).Utf8(), $"key for partner {partner} in workspace {workspace}", [("workspace", workspace), ("partner", partner)]);
    }

    /// <summary>Writes that name what is not there (or is the workspace's only under another name): 404 or 400, never an effect.</summary>
    private static HostileRequest UnknownThings(PCG pcg, FuzzWorkspace w)
    {
        var other = "ws-" + new string('0', 16);
        var choice = Gen.Int[0, 5].Draw(pcg);
        var id = HostileValues.UrlEncode(HostileValues.UrlId.Draw(pcg));
        return choice switch
        {
            0 => Request(HostileRequests.InvalidateKey, w, (byte[]?)null, $"invalidate key {id}", [("keyId", id)]),
            1 => Request(HostileRequests.DeleteUser, w, (byte[]?)null, $"delete user {id}", [("userId", id)]),
            2 => Request(HostileRequests.DeleteSegment, w, (byte[]?)null, $"delete segment {id}", [("segmentId", id)]),
            3 => Request(HostileRequests.DeleteSegment, w, (byte[]?)null, "delete S1 in another workspace", [("workspace", other), ("segmentId", w.SegmentId)]),
            4 => Request(HostileRequests.Resync, w, (byte[]?)null, $"resync cohort {id}", [("cohortId", id == "c1" ? "c1x" : id)]),
            _ => Request(HostileRequests.SetSchedule, w, HostileRequests.SetSchedule.Body!(w).Utf8(), $"schedule of cohort {id} of mixpanel", [("partner", "mixpanel"), ("cohortId", id)]),
        };
    }

    /// <summary>A valid write of the workspace's real things, without the function key or with a wrong one: 401.</summary>
    private static HostileRequest WithoutFunctionKey(PCG pcg, FuzzWorkspace w)
    {
        var target = Gen.OneOf(
            HostileRequests.UpsertUsers, HostileRequests.IdentifyUsers, HostileRequests.CreateSegment, HostileRequests.UpdateSegment, HostileRequests.SetSchedule,
            HostileRequests.CreateKey, HostileRequests.DeleteSegment, HostileRequests.Resync).Draw(pcg);
        IReadOnlyList<(string Name, string Value)> values = target == HostileRequests.DeleteSegment ? [("segmentId", w.SegmentId)] : [];
        var body = target.Body?.Invoke(w) is { } json ? json.Utf8() : null;
        var key = Gen.OneOf(KeyUse.None, KeyUse.Wrong).Draw(pcg);
        return Request(target, w, body, $"function key {key}", values) with { Key = key };
    }

    private static Json InvalidSurrogate() => Json.Str("dev\uDC00ice");

    /// <summary><paramref name="count"/> ids over every kind, the first change valid.</summary>
    private static Json TooManyIds(int count)
    {
        var third = count / 3;
        var ids = (string prefix, int n) => Json.Arr([.. Enumerable.Range(0, n).Select(i => Json.Str(prefix + i.ToString(CultureInfo.InvariantCulture)))]);
        var aliases = Json.Arr([.. Enumerable.Range(0, count - (2 * third)).Select(i => Json.Obj(("alias_name", Json.Str("al" + i.ToString(CultureInfo.InvariantCulture))), ("alias_label", Json.Str("email"))))]);
        return Json.Arr(
            Json.Obj(("user_ids", Json.Arr(Json.Str("u3")))),
            Json.Obj(("user_ids", ids("x", third - 1))),
            Json.Obj(("device_ids", ids("d", third)), ("should_remove", Json.Raw("true"))),
            Json.Obj(("aliases", aliases)));
    }

    /// <summary>Sets (or, with null, removes) a member of an object, keeping the others in order.</summary>
    private static JObj Set(JObj body, string name, Json? value)
    {
        var members = body.Members.Where(m => m.Name != name).ToList();
        if (value is not null)
        {
            var at = body.Members.ToList().FindIndex(m => m.Name == name);
            members.Insert(at < 0 ? members.Count : at, (name, value));
        }

        return new JObj(members);
    }

    private static HostileRequest Request(FuzzTarget target, FuzzWorkspace w, JObj body, string label, IReadOnlyList<(string Name, string Value)>? values = null) =>
        Request(target, w, body.Utf8(), label, values);

    private static HostileRequest Request(
        FuzzTarget target, FuzzWorkspace w, byte[]? body, string label, IReadOnlyList<(string Name, string Value)>? values = null, Expect expect = Expect.Rejected)
    {
        var route = target.RouteValues(w).Select(v => values?.FirstOrDefault(o => o.Name == v.Name) is { Name: not null } o ? o : v).ToList();
        return new HostileRequest($"{target.Name}: {label}", target.Method, target.PathFor(route, target.Query?.Invoke(w) ?? []), body, "application/json", KeyUse.Right, expect);
    }
}
