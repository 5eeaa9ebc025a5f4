using CohortFunctions.Cohorts;
using CohortFunctions.DataPoints;
using CohortFunctions.Health;
using CohortFunctions.History;
using CohortFunctions.ImportKeys;
using CohortFunctions.Maintenance;
using CohortFunctions.Matching;
using CohortFunctions.Memberships;
using CohortFunctions.Partners;
using CohortFunctions.Postbacks;
using CohortFunctions.Resync;
using CohortFunctions.Segments;
using CohortFunctions.Storage;
using CohortFunctions.Telemetry;
using CohortFunctions.Users;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CohortFunctions.Composition;

/// <summary>The one composition of the core services, shared by the Functions app, the local host and the tests.</summary>
internal static class CoreServiceCollectionExtensions
{
    /// <summary>Registers options (validated at start), storage adapters and the application services.</summary>
    public static IServiceCollection AddCohortCore(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ImportKeysOptions>().BindConfiguration(ImportKeysOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ResyncOptions>().BindConfiguration(ResyncOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HistoryOptions>().BindConfiguration(HistoryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PartnersOptions>().Configure<IConfiguration>(PartnersOptions.Bind).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PartnersOptions>, PartnersOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddMemoryCache();

        // The app's instruments, on the host's IMeterFactory (one meter per service provider); whether and where they
        // are exported is the host's telemetry configuration, not the core's.
        services.AddMetrics();
        services.AddSingleton<CohortMetrics>();

        services.AddSingleton<StorageTables>();
        services.AddHostedService<TableProvisioner>();
        services.AddSingleton<StorageHealth>();

        services.AddSingleton<PartnerCatalog>();
        services.AddSingleton<IImportKeyStore, AzureTableImportKeyStore>();
        services.AddSingleton<ImportKeyResolver>();
        services.AddSingleton<ImportKeyService>();

        services.AddSingleton<IIdentifierIndex, AzureTableIdentifierIndex>();
        services.AddSingleton<IdentifierMatcher>();
        services.AddSingleton<IUserProfileReader, AzureTableUserProfileReader>();
        services.AddSingleton<IUserStore, AzureTableUserStore>();
        services.AddSingleton<UserService>();
        services.AddSingleton<UserLookup>();

        services.AddSingleton<AzureTableCohortStore>();
        services.AddSingleton<ICohortStore>(sp => sp.GetRequiredService<AzureTableCohortStore>());
        services.AddSingleton<IResyncStateStore>(sp => sp.GetRequiredService<AzureTableCohortStore>());
        services.AddSingleton<IPendingStore, AzureTablePendingStore>();
        services.AddSingleton<PendingRecorder>();
        services.AddSingleton<StaleCohorts>();
        services.AddSingleton<ResyncService>();
        services.AddSingleton<IMaintenanceStore, AzureTableMaintenanceStore>();
        services.AddSingleton<MaintenanceService>();
        services.AddSingleton<IMembershipStore, AzureTableMembershipStore>();
        services.AddSingleton<MembershipWriter>();
        services.AddSingleton<IUserMemberships, UserMemberships>();
        services.AddSingleton<IDataPointLedger, AzureTableDataPointLedger>();
        services.AddSingleton<CohortFinder>();
        services.AddSingleton<CohortService>();
        services.AddSingleton<DataPointService>();

        services.AddSingleton<ISegmentStore, AzureTableSegmentStore>();
        services.AddSingleton<ISegmentSource, AzureTableSegmentSource>();
        services.AddSingleton<SegmentEvaluator>();
        services.AddSingleton<SegmentService>();

        services.AddSingleton<ISyncHistoryStore, AzureTableSyncHistoryStore>();
        services.AddSingleton<SyncHistoryWriter>();
        services.AddSingleton<ISyncHistoryRecorder>(sp => sp.GetRequiredService<SyncHistoryWriter>());
        services.AddHostedService(sp => sp.GetRequiredService<SyncHistoryWriter>());
        services.AddSingleton<SyncHistoryService>();
        services.AddSingleton<HistoryRetention>();

        services.AddSingleton<PartnerAuthenticator>();
        services.AddSingleton<PostbackService>();
        return services;
    }
}
