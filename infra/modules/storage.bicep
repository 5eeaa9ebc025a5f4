// The storage account of the Functions host and of the app's tables. Reached with the app's managed identity
// only: shared keys, and so connection strings with account keys, are disabled.

@description('Azure region of the resources.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the storage account: 3-24 lowercase letters and digits, unique in Azure.')
@minLength(3)
@maxLength(24)
param storageAccountName string

@description('Blob container that Flex Consumption deploys the app package from.')
param deploymentContainerName string

@description('Tables the app uses, with the configured prefix applied. The app also creates missing tables at start.')
param tableNames string[]

@description('Reach the account only through private endpoints (vnetEnabled): public network access off.')
param privateNetworkOnly bool

@description('Resource id of the Log Analytics workspace that receives the diagnostic logs and metrics.')
param logAnalyticsWorkspaceId string

@description('Data-plane log categories of the table, blob and queue services sent to Log Analytics (StorageRead, StorageWrite, StorageDelete).')
param logCategories string[]

resource storage 'Microsoft.Storage/storageAccounts@2026-06-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    // Identity-based access only: no account keys, no SAS signed with them.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    supportsHttpsTrafficOnly: true
    minimumTlsVersion: 'TLS1_2'
    dnsEndpointType: 'Standard'
    // Without a virtual network, Flex Consumption reaches storage over its public endpoint (with Entra auth); with
    // one, only through the private endpoints (infra/modules/network.bicep).
    publicNetworkAccess: privateNetworkOnly ? 'Disabled' : 'Enabled'
    networkAcls: privateNetworkOnly
      ? {
          defaultAction: 'Deny'
          bypass: 'None'
        }
      : {
          defaultAction: 'Allow'
          bypass: 'AzureServices'
        }
  }

  resource blobService 'blobServices' = {
    name: 'default'

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
      properties: {
        publicAccess: 'None'
      }
    }
  }

  resource tableService 'tableServices' = {
    name: 'default'

    resource tables 'tables' = [
      for tableName in tableNames: {
        name: tableName
      }
    ]
  }
}

// Diagnostic settings: the data-plane logs of each service the app and the host use (tables: the app's data; blob:
// the host's keys, timer leases and the deployment package; queue: the host's internal queues) and the account's
// transaction metrics, into Log Analytics (resource-specific tables StorageTableLogs, StorageBlobLogs, StorageQueueLogs).
var serviceLogs = map(logCategories, category => {
  category: category
  enabled: true
})

var transactionMetrics = [
  {
    category: 'Transaction'
    enabled: true
  }
]

// 2021-05-01-preview is the newest API of diagnostic settings; the only later-dated stable one, 2016-09-01, is the
// older per-service schema that cannot target a Log Analytics workspace with resource-specific tables.
#disable-next-line use-recent-api-versions
resource accountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: storage
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    metrics: transactionMetrics
  }
}

#disable-next-line use-recent-api-versions
resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: storage::tableService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: serviceLogs
    metrics: transactionMetrics
  }
}

#disable-next-line use-recent-api-versions
resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: storage::blobService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: serviceLogs
    metrics: transactionMetrics
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2026-06-01' existing = {
  parent: storage
  name: 'default'
}

#disable-next-line use-recent-api-versions
resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: queueService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: serviceLogs
    metrics: transactionMetrics
  }
}

output storageAccountName string = storage.name
output tableServiceUri string = storage.properties.primaryEndpoints.table
output blobServiceUri string = storage.properties.primaryEndpoints.blob
