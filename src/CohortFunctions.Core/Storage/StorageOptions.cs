using System.ComponentModel.DataAnnotations;

namespace CohortFunctions.Storage;

/// <summary>
/// Where the app keeps its tables. Set exactly one of <see cref="ConnectionString"/> (Azurite, or an account key)
/// and <see cref="TableServiceUri"/> (managed identity through <c>DefaultAzureCredential</c>, as deployed to Azure).
/// </summary>
internal sealed class StorageOptions : IValidatableObject
{
    public const string SectionName = "Storage";

    /// <summary>A storage connection string, e.g. Azurite's; <c>UseDevelopmentStorage=true</c> works.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table service endpoint, e.g. <c>https://account.table.core.windows.net</c>, used with managed identity.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>
    /// Prepended to every table name, so that several installations or test runs can share one account.
    /// Letters and digits only, starting with a letter.
    /// </summary>
    [RegularExpression("^([A-Za-z][A-Za-z0-9]{0,29})?$", ErrorMessage = "Storage__TablePrefix must be letters and digits, starting with a letter, at most 30.")]
    public string TablePrefix { get; set; } = "";

    /// <summary>How long one storage request may take before it is retried or fails, in seconds.</summary>
    [Range(1, 120)]
    public int NetworkTimeoutSeconds { get; set; } = 10;

    /// <summary>How often a failed storage request is retried by the SDK.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasConnectionString = !string.IsNullOrWhiteSpace(ConnectionString);
        var hasUri = TableServiceUri is not null;
        if (hasConnectionString == hasUri)
        {
            yield return new ValidationResult(
                "Set exactly one of Storage__ConnectionString and Storage__TableServiceUri.",
                [nameof(ConnectionString), nameof(TableServiceUri)]);
        }

        if (hasUri && !TableServiceUri!.IsAbsoluteUri)
        {
            yield return new ValidationResult("Storage__TableServiceUri must be an absolute URI.", [nameof(TableServiceUri)]);
        }
    }
}
