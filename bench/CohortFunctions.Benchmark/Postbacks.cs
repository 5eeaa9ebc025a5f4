using System.Net.Http.Json;
using System.Text.Json;

namespace CohortFunctions.Benchmark;

/// <summary>One users postback's identifiers.</summary>
internal sealed record PostbackBatch(string CohortId, IReadOnlyList<string> Adds, IReadOnlyList<string> Removes, IReadOnlyList<string> Unmatched)
{
    public int Ids => Adds.Count + Removes.Count + Unmatched.Count;
}

/// <summary>Sends users postbacks and management calls through the app's HTTP API, as senders and operators do.</summary>
internal sealed class AppClient(HttpClient http, string dataImportKey)
{
    public async Task SendAsync(PostbackBatch batch)
    {
        var changes = new List<object>();
        if (batch.Adds.Count + batch.Unmatched.Count > 0)
        {
            changes.Add(new Dictionary<string, object> { ["user_ids"] = batch.Adds.Concat(batch.Unmatched).ToList() });
        }

        if (batch.Removes.Count > 0)
        {
            changes.Add(new Dictionary<string, object> { ["user_ids"] = batch.Removes, ["should_remove"] = true });
        }

        using var response = await http.PostAsJsonAsync(new Uri("partners/amplitude/cohorts/users", UriKind.Relative), new Dictionary<string, object>
        {
            ["partner_api_key"] = BenchEnvironment.PartnerApiKey,
            ["client_secret"] = dataImportKey,
            ["cohort_id"] = batch.CohortId,
            ["cohort_changes"] = changes,
        }).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Postback answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }
    }

    public async Task<JsonElement> GetJsonAsync(string relative)
    {
        using var response = await http.GetAsync(new Uri(relative, UriKind.Relative)).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>().ConfigureAwait(false);
    }

    public async Task<JsonElement> PostJsonAsync(string relative, object body)
    {
        using var response = await http.PostAsJsonAsync(new Uri(relative, UriKind.Relative), body).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {relative} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }

        return await response.Content.ReadFromJsonAsync<JsonElement>().ConfigureAwait(false);
    }
}
