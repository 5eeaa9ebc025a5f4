// The partner API keys, as Key Vault secrets the function app reads through Key Vault references. The vault
// uses Azure RBAC, so only identities with a role on it (the app's: Key Vault Secrets User) can read them.

@description('Azure region of the resources.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the key vault: 3-24 letters, digits and dashes, unique in Azure.')
@minLength(3)
@maxLength(24)
param keyVaultName string

@description('Keep deleted vaults and secrets from being purged before the retention ends. Cannot be turned off once on.')
param enablePurgeProtection bool

@description('One Key Vault secret per partner key slot: partner name, slot index and secret name. Not secret.')
param partnerKeySlots { partner: string, index: int, secretName: string }[]

@secure()
@description('Partner API keys by partner name, one or two each (current, and next while rotating).')
param partnerApiKeys object

@description('Reach the vault only through its private endpoint (vnetEnabled): public network access off.')
param privateNetworkOnly bool

@description('Resource id of the Log Analytics workspace that receives the vault\'s audit events.')
param logAnalyticsWorkspaceId string

resource keyVault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    // null, not false: once on, purge protection cannot be switched off, and ARM rejects an explicit false then.
    enablePurgeProtection: enablePurgeProtection ? true : null
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    // Secrets written by this template go through Azure Resource Manager, which the vault's network rules do not
    // restrict; the app's Key Vault references resolve through the private endpoint (infra/modules/network.bicep).
    publicNetworkAccess: privateNetworkOnly ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: privateNetworkOnly ? 'Deny' : 'Allow'
      bypass: 'AzureServices'
    }
  }
}

// Who read or changed which secret, when, from where: the audit events (AuditEvent) that policies often require,
// into the resource-specific table AZKVAuditLogs.
// 2021-05-01-preview is the newest API of diagnostic settings (see storage.bicep).
#disable-next-line use-recent-api-versions
resource auditDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: keyVault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

// Every partner has two slots so a key can be rotated without downtime. With one key both slots hold it; with two,
// slot 0 holds the first (current) and slot 1 the second (next). The app accepts a postback with any slot's key.
resource partnerKeySecrets 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = [
  for slot in partnerKeySlots: {
    parent: keyVault
    name: slot.secretName
    properties: {
      value: partnerApiKeys[slot.partner][min(slot.index, length(partnerApiKeys[slot.partner]) - 1)]
      contentType: 'text/plain'
    }
  }
]

output keyVaultName string = keyVault.name
output keyVaultUri string = keyVault.properties.vaultUri
