using System.Text.Json;
using System.Text.Json.Nodes;

namespace CohortFunctions.UnitTests.Postbacks;

/// <summary>
/// Builds partner postback bodies the way a sender writes them. Every body starts valid (the harness's credentials,
/// a cohort id and the endpoint's required fields), so a test states only the one field it breaks.
/// </summary>
public sealed class PostbackBodies
{
    public const string DefaultCohortId = "cohort-1";

    public const string DefaultName = "Power users";

    public const string DefaultCreatedAt = "2021-01-21T19:20:30+05:00";

    private readonly JsonObject _body = [];

    private PostbackBodies()
    {
    }

    /// <summary>A valid <c>POST /partners/{partner}/cohorts/users</c> body with no changes yet.</summary>
    public static PostbackBodies Users() => new PostbackBodies()
        .WithCredentials(PostbackServiceHarness.ApiKey, PostbackServiceHarness.Secret)
        .With("cohort_id", DefaultCohortId)
        .WithRaw("cohort_changes", "[]");

    /// <summary>A valid <c>POST /partners/{partner}/cohorts</c> body.</summary>
    public static PostbackBodies Name() => new PostbackBodies()
        .WithCredentials(PostbackServiceHarness.ApiKey, PostbackServiceHarness.Secret)
        .With("cohort_id", DefaultCohortId)
        .With("name", DefaultName)
        .With("created_at", DefaultCreatedAt);

    public PostbackBodies WithCredentials(string partnerApiKey, string clientSecret) =>
        With("partner_api_key", partnerApiKey).With("client_secret", clientSecret);

    public PostbackBodies With(string field, string value)
    {
        _body[field] = JsonValue.Create(value);
        return this;
    }

    /// <summary>Sets a field to any JSON, e.g. <c>123</c>, <c>null</c> or <c>[{"user_ids": 1}]</c>.</summary>
    public PostbackBodies WithRaw(string field, string json)
    {
        _body[field] = JsonNode.Parse(json);
        return this;
    }

    public PostbackBodies Without(string field)
    {
        _body.Remove(field);
        return this;
    }

    /// <summary>Appends one element to <c>cohort_changes</c>.</summary>
    public PostbackBodies WithChange(Action<ChangeBuilder> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        if (_body["cohort_changes"] is not JsonArray changes)
        {
            changes = [];
            _body["cohort_changes"] = changes;
        }

        var change = new ChangeBuilder();
        build(change);
        changes.Add(change.Node);
        return this;
    }

    public JsonElement Build() => JsonSerializer.SerializeToElement(_body);

    /// <summary>One element of <c>cohort_changes</c>.</summary>
    public sealed class ChangeBuilder
    {
        internal JsonObject Node { get; } = [];

        public ChangeBuilder UserIds(params string[] ids) => Strings("user_ids", ids);

        public ChangeBuilder DeviceIds(params string[] ids) => Strings("device_ids", ids);

        public ChangeBuilder Alias(string aliasName, string aliasLabel)
        {
            if (Node["aliases"] is not JsonArray aliases)
            {
                aliases = [];
                Node["aliases"] = aliases;
            }

            aliases.Add(new JsonObject { ["alias_name"] = aliasName, ["alias_label"] = aliasLabel });
            return this;
        }

        public ChangeBuilder ShouldRemove(bool remove = true)
        {
            Node["should_remove"] = remove;
            return this;
        }

        /// <summary>Sets a field of the change object to any JSON.</summary>
        public ChangeBuilder Raw(string field, string json)
        {
            Node[field] = JsonNode.Parse(json);
            return this;
        }

        private ChangeBuilder Strings(string field, string[] ids)
        {
            if (Node[field] is not JsonArray array)
            {
                array = [];
                Node[field] = array;
            }

            foreach (var id in ids)
            {
                array.Add(id);
            }

            return this;
        }
    }
}
