// CohortFunctions on Azure: a Flex Consumption function app (.NET 10 isolated) that runs as a user-assigned
// managed identity, its storage account (host and tables, no shared keys), the partner API keys in Key Vault,
// and Application Insights on Log Analytics. Deploy into a resource group:
//   az deployment group create -g RG -f infra/main.bicep -p infra/main.bicepparam   (or `azd up`)
// docs/deploy.md has the whole procedure.

@description('A partner that sends cohort postbacks to /partners/{name}/...')
type partner = {
  @description('The partner\'s slug in the URL: 1-63 characters of a-z, 0-9 and -, e.g. amplitude.')
  @minLength(1)
  @maxLength(63)
  name: string

  @description('Shown in cohort display names, e.g. Amplitude.')
  @minLength(1)
  displayName: string
}

@description('One partner API key, as the partner sends it in partner_api_key.')
@minLength(1)
type partnerApiKey = string

@description('The API keys of one partner: the current one, and during a rotation also the next one.')
@minLength(1)
@maxLength(2)
type partnerApiKeyList = partnerApiKey[]

@description('Name of the environment (e.g. dev, prod): part of every resource name and tagged as azd-env-name. Letters, digits and -.')
@minLength(1)
@maxLength(20)
param environmentName string

@description('Azure region of every resource; it must offer Flex Consumption. Defaults to the resource group\'s.')
param location string = resourceGroup().location

@description('The partners this installation accepts postbacks from. Adding one (e.g. Mixpanel) is a new entry here plus its keys in partnerApiKeys.')
@minLength(1)
param partners partner[] = [
  {
    name: 'amplitude'
    displayName: 'Amplitude'
  }
]

@secure()
@description('Partner API keys by partner name, e.g. { amplitude: [\'current\'] } or, while rotating, { amplitude: [\'current\', \'next\'] }. Stored in Key Vault only.')
param partnerApiKeys { *: partnerApiKeyList }

@description('Prefix of every table name, so that several installations can share one account. Letters and digits, starting with a letter; empty for none.')
@maxLength(30)
param tablePrefix string = ''

@description('How long a resolved data import key is trusted without asking storage again, in seconds (ImportKeys__CacheSeconds).')
@minValue(0)
@maxValue(30)
param importKeysCacheSeconds int = 30

@description('How often, at most, a key\'s last use is written per instance, in seconds (ImportKeys__LastUsedWriteIntervalSeconds).')
@minValue(1)
@maxValue(86400)
param importKeysLastUsedWriteIntervalSeconds int = 300

@description('NCRONTAB schedule (six fields, with seconds) of the resync timer (ResyncSchedule).')
param resyncSchedule string = '0 */1 * * * *'

@description('NCRONTAB schedule (six fields, with seconds) of the maintenance timer (MaintenanceSchedule).')
param maintenanceSchedule string = '0 0 3 * * *'

@description('Memory of one function app instance in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Most instances the function app scales out to (Flex Consumption allows 40-1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('How many days Log Analytics keeps logs; 30 are included in the ingestion price.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Turn on Key Vault purge protection. Safer for production; it cannot be turned off again and blocks reusing the vault name for 7 days after deletion.')
param keyVaultPurgeProtection bool = false

@description('Put the storage account and the key vault behind private endpoints in a new virtual network that the function app integrates with, and turn their public network access off. The app\'s own HTTP endpoint stays public.')
param vnetEnabled bool = false

@description('Address space of the virtual network (vnetEnabled): a /16 to /24; the app subnet is its first /24, the private endpoint subnet its second.')
param vnetAddressPrefix string = '10.0.0.0/16'

@description('Give the deploying principal (deployer().objectId) data roles: Storage Table Data Contributor, Storage Blob and Queue Data Reader on the account, Key Vault Secrets Officer on the vault. For teams that read the tables with Storage Explorer and rotate keys; off for production.')
param deployerRolesEnabled bool = false

@description('Email address alerts are sent to; empty for none (alerts still fire and show in the portal).')
param alertEmailAddress string = ''

@description('Application Insights location ids the /health availability test runs from (at least 3; the alert fires when 2 fail).')
@minLength(3)
param availabilityTestLocations string[] = [
  'emea-nl-ams-azr'
  'emea-gb-db3-azr'
  'us-va-ash-azr'
  'us-ca-sjc-azr'
  'apac-sg-sin-azr'
]

@description('Postback 5xx alert: percent of a partner\'s calls answered 5xx in 15 minutes that fires it.')
@minValue(1)
@maxValue(100)
param postback5xxAlertPercent int = 5

@description('Postback 5xx alert: fewer partner calls than this in 15 minutes are not judged.')
@minValue(1)
param postback5xxAlertMinimumPostbacks int = 20

@description('Unauthorized alert: postbacks of one partner answered 401 with one message in 15 minutes that fire it.')
@minValue(1)
param unauthorizedPostbacksAlertThreshold int = 20

@description('Resync alert: passes of one workspace and partner cut short by their budget in an hour that fire it.')
@minValue(1)
param resyncCutShortAlertThreshold int = 15

@description('Function failure alert: failed executions of one function in 15 minutes that fire it.')
@minValue(1)
param functionFailuresAlertThreshold int = 5

@description('Storage data-plane log categories sent to Log Analytics for the table, blob and queue services. StorageRead logs every read and costs the most.')
@allowed([
  'StorageRead'
  'StorageWrite'
  'StorageDelete'
])
param storageLogCategories string[] = [
  'StorageWrite'
  'StorageDelete'
]

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var envName = toLower(environmentName)
var tags = {
  'azd-env-name': environmentName
  application: 'cohortfunctions'
}

var names = {
  identity: 'id-${envName}-${resourceToken}'
  plan: 'plan-${envName}-${resourceToken}'
  functionApp: 'func-${envName}-${resourceToken}'
  storageAccount: 'st${resourceToken}'
  deploymentContainer: 'app-package-${resourceToken}'
  keyVault: 'kv-${resourceToken}'
  logAnalytics: 'log-${envName}-${resourceToken}'
  applicationInsights: 'appi-${envName}-${resourceToken}'
  virtualNetwork: 'vnet-${envName}-${resourceToken}'
}

// Every table the app uses. The app creates missing tables at start too, but it should not need table-creation
// rights on a fresh account to serve its first request.
var tableNames = map(
  ['importkeys', 'users', 'identifiers', 'cohorts', 'memberships', 'datapoints', 'pending', 'segments', 'synchistory'],
  table => '${tablePrefix}${table}'
)

// Two key slots per partner (current and next) keep the number of secrets and settings independent of the secret
// parameter's content, which ARM cannot use to size a loop it must plan before reading secure values.
var apiKeySlotsPerPartner = 2
var partnerKeySlots = map(range(0, length(partners) * apiKeySlotsPerPartner), i => {
  partner: toLower(partners[i / apiKeySlotsPerPartner].name)
  index: i % apiKeySlotsPerPartner
  secretName: 'partner-${toLower(partners[i / apiKeySlotsPerPartner].name)}-api-key-${i % apiKeySlotsPerPartner}'
})

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: names.identity
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    retentionInDays: logRetentionInDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    storageAccountName: names.storageAccount
    deploymentContainerName: names.deploymentContainer
    tableNames: tableNames
    privateNetworkOnly: vnetEnabled
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    logCategories: storageLogCategories
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    tags: tags
    keyVaultName: names.keyVault
    enablePurgeProtection: keyVaultPurgeProtection
    partnerKeySlots: partnerKeySlots
    partnerApiKeys: partnerApiKeys
    privateNetworkOnly: vnetEnabled
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module network 'modules/network.bicep' = if (vnetEnabled) {
  name: 'network'
  params: {
    location: location
    tags: tags
    virtualNetworkName: names.virtualNetwork
    addressPrefix: vnetAddressPrefix
    storageAccountName: storage.outputs.storageAccountName
    keyVaultName: keyVault.outputs.keyVaultName
    nameSuffix: resourceToken
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  params: {
    storageAccountName: storage.outputs.storageAccountName
    keyVaultName: keyVault.outputs.keyVaultName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    identityId: identity.id
    identityPrincipalId: identity.properties.principalId
    deployerRolesEnabled: deployerRolesEnabled
    deployerObjectId: deployer().objectId
  }
}

// The app's own settings, as its options bind them (see src/.../*Options.cs). The table service URI, not a
// connection string: the app reaches its tables with the managed identity.
var appSettings = union(
  {
    Storage__TableServiceUri: storage.outputs.tableServiceUri
    Storage__TablePrefix: tablePrefix
    ImportKeys__CacheSeconds: string(importKeysCacheSeconds)
    ImportKeys__LastUsedWriteIntervalSeconds: string(importKeysLastUsedWriteIntervalSeconds)
    ResyncSchedule: resyncSchedule
    MaintenanceSchedule: maintenanceSchedule
  },
  toObject(partners, p => 'Partners__${toLower(p.name)}__DisplayName', p => p.displayName),
  // The keys themselves only as Key Vault references, resolved by the platform with the app's identity.
  toObject(
    partnerKeySlots,
    slot => 'Partners__${slot.partner}__ApiKeys__${slot.index}',
    slot => '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.keyVaultUri}secrets/${slot.secretName})'
  )
)

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    tags: tags
    planName: names.plan
    functionAppName: names.functionApp
    identityName: identity.name
    storageAccountName: storage.outputs.storageAccountName
    deploymentContainerName: names.deploymentContainer
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    appSettings: appSettings
    azdServiceName: 'api'
    // With a virtual network, the app waits for the whole network module: its private endpoints must resolve
    // before the host first reaches storage and the Key Vault references resolve.
    virtualNetworkSubnetId: vnetEnabled ? network!.outputs.appSubnetId : ''
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
  // The host needs its storage roles and the Key Vault references need the secrets role from its first start;
  // a reference that fails then is only retried hours later.
  dependsOn: [
    rbac
  ]
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    location: location
    tags: tags
    nameSuffix: '${envName}-${resourceToken}'
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    functionAppHostName: functionApp.outputs.defaultHostName
    alertEmailAddress: alertEmailAddress
    availabilityTestLocations: availabilityTestLocations
    postback5xxPercent: postback5xxAlertPercent
    postback5xxMinimumPostbacks: postback5xxAlertMinimumPostbacks
    unauthorizedPostbacksThreshold: unauthorizedPostbacksAlertThreshold
    resyncCutShortThreshold: resyncCutShortAlertThreshold
    functionFailuresThreshold: functionFailuresAlertThreshold
  }
}

@description('Name of the function app (for func azure functionapp publish and az functionapp commands).')
output FUNCTION_APP_NAME string = functionApp.outputs.functionAppName

@description('Default hostname of the function app.')
output FUNCTION_APP_HOSTNAME string = functionApp.outputs.defaultHostName

@description('The REST endpoint to give Amplitude (and every partner): partner routes sit at the app root.')
output REST_ENDPOINT string = 'https://${functionApp.outputs.defaultHostName}'

@description('The operator console (needs the function key).')
output CONSOLE_URL string = 'https://${functionApp.outputs.defaultHostName}/console'

@description('The OpenAPI 3.1 description of every endpoint.')
output OPENAPI_URL string = 'https://${functionApp.outputs.defaultHostName}/openapi.json'

@description('Name of the key vault that holds the partner API keys (for rotation).')
output KEY_VAULT_NAME string = keyVault.outputs.keyVaultName

@description('Name of the storage account of the host and the tables.')
output STORAGE_ACCOUNT_NAME string = storage.outputs.storageAccountName

@description('Region the resources were deployed to.')
output AZURE_LOCATION string = location

@description('Resource id of the workbook with the operations charts (docs/operations.md).')
output WORKBOOK_ID string = alerts.outputs.workbookId
