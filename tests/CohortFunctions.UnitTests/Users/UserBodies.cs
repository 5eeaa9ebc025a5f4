using System.Text.Json;
using CohortFunctions.Identifiers;

namespace CohortFunctions.UnitTests.Users;

/// <summary>Builds one element of a <c>users</c> request: <c>UserBuilder.Identified("u1").WithDevice("d1").Build()</c>.</summary>
internal sealed class UserBuilder
{
    private readonly string? _externalId;
    private readonly List<string> _deviceIds = [];
    private readonly List<Dictionary<string, string>> _aliases = [];

    private UserBuilder(string? externalId) => _externalId = externalId;

    public static UserBuilder Identified(string externalId) => new(externalId);

    public static UserBuilder Anonymous() => new(null);

    public UserBuilder WithDevice(params string[] deviceIds)
    {
        _deviceIds.AddRange(deviceIds);
        return this;
    }

    public UserBuilder WithAlias(string name, string label)
    {
        _aliases.Add(new() { ["alias_name"] = name, ["alias_label"] = label });
        return this;
    }

    public Dictionary<string, object?> Build()
    {
        var user = new Dictionary<string, object?>();
        if (_externalId is not null)
        {
            user["external_id"] = _externalId;
        }

        if (_deviceIds.Count > 0)
        {
            user["device_ids"] = _deviceIds;
        }

        if (_aliases.Count > 0)
        {
            user["aliases"] = _aliases;
        }

        return user;
    }
}

/// <summary>Request bodies of the users endpoints.</summary>
internal static class UserBodies
{
    public static JsonElement UsersBody(params UserBuilder[] users) => JsonSerializer.SerializeToElement(new { users = users.Select(u => u.Build()) });

    public static JsonElement IdentifyBody(params Dictionary<string, object?>[] entries) => JsonSerializer.SerializeToElement(new { identify = entries });

    public static Dictionary<string, object?> ByDevice(string externalId, string deviceId) =>
        new() { ["external_id"] = externalId, ["device_id"] = deviceId };

    public static Dictionary<string, object?> ByAlias(string externalId, UserAlias alias) =>
        new() { ["external_id"] = externalId, ["user_alias"] = new Dictionary<string, string> { ["alias_name"] = alias.AliasName, ["alias_label"] = alias.AliasLabel } };

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
