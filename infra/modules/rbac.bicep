// What the function app's managed identity may do, and nothing more. Assignment names are guid() over resource
// ids (scope, identity, role), so they are known at deployment start and the same on every redeployment.

@description('Name of the storage account of the host and the app\'s tables.')
param storageAccountName string

@description('Name of the key vault that holds the partner API keys.')
param keyVaultName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Resource id of the app\'s user-assigned managed identity; names the assignments deterministically.')
param identityId string

@description('Principal (object) id of the app\'s user-assigned managed identity.')
param identityPrincipalId string

@description('Also give the deploying principal data roles, so the team can read the tables and rotate the partner keys without shared keys.')
param deployerRolesEnabled bool

@description('Object id of the deploying principal (deployer().objectId).')
param deployerObjectId string

var roles = {
  // Storage Blob Data Owner: the host's keys and timer leases, and the Flex deployment package container.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // Storage Queue Data Contributor: the host's internal queues.
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // Storage Table Data Contributor: the app's tables.
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // Monitoring Metrics Publisher: telemetry to Application Insights with local auth disabled.
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  // Key Vault Secrets User: reads secret values, for the Key Vault references of the partner API keys.
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  // Storage Blob Data Reader: the deployer reads the host's blobs and the deployment package.
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  // Storage Queue Data Reader: the deployer reads the host's queues.
  storageQueueDataReader: '19e7f393-937e-4f77-808e-94535e297925'
  // Key Vault Secrets Officer: the deployer rotates the partner API keys (docs/deploy.md).
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
}

// The deployer's data roles (deployerRolesEnabled): the tables read and repaired with Storage Explorer or the Azure CLI
// (--auth-mode login), blobs and queues read, partner keys rotated. The principal type is left out on purpose: the
// deployer may be a user or, in a pipeline, a service principal, and an existing principal needs no type hint.
var deployerStorageRoles = [
  roles.storageTableDataContributor
  roles.storageBlobDataReader
  roles.storageQueueDataReader
]

resource storage 'Microsoft.Storage/storageAccounts@2026-06-01' existing = {
  name: storageAccountName
}

resource keyVault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource storageBlobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identityId, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
  }
}

resource storageQueueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identityId, roles.storageQueueDataContributor)
  scope: storage
  properties: {
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.storageQueueDataContributor
    )
  }
}

resource storageTableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identityId, roles.storageTableDataContributor)
  scope: storage
  properties: {
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.storageTableDataContributor
    )
  }
}

resource monitoringMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, identityId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.monitoringMetricsPublisher
    )
  }
}

resource keyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, identityId, roles.keyVaultSecretsUser)
  scope: keyVault
  properties: {
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource deployerStorageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in deployerStorageRoles: if (deployerRolesEnabled) {
    name: guid(storage.id, deployerObjectId, role)
    scope: storage
    properties: {
      principalId: deployerObjectId
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

resource deployerKeyVaultSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (deployerRolesEnabled) {
  name: guid(keyVault.id, deployerObjectId, roles.keyVaultSecretsOfficer)
  scope: keyVault
  properties: {
    principalId: deployerObjectId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
  }
}
