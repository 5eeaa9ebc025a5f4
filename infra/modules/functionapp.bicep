// The function app on Flex Consumption (FC1, Linux, .NET 10 isolated). It runs as the user-assigned managed
// identity for everything: host storage, the deployment package, the app's tables, Key Vault references and
// Application Insights. No connection string with a key is ever set.

@description('Azure region of the resources.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the function app; its default hostname derives from it.')
param functionAppName string

@description('Name of the app\'s user-assigned managed identity.')
param identityName string

@description('Name of the storage account of the host and the app\'s tables.')
param storageAccountName string

@description('Blob container that Flex Consumption deploys the app package from.')
param deploymentContainerName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Memory of one instance in MB (Flex Consumption sizes).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('The app\'s own settings (Storage, ImportKeys, Partners, schedules); the platform settings are added here.')
param appSettings object

@description('azd service name in azure.yaml; tags the function app so `azd deploy` finds it.')
param azdServiceName string

@description('Resource id of the subnet (delegated to Microsoft.App/environments) the app integrates with; empty for no virtual network.')
param virtualNetworkSubnetId string

@description('Resource id of the Log Analytics workspace that receives the app\'s platform logs and metrics.')
param logAnalyticsWorkspaceId string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource storage 'Microsoft.Storage/storageAccounts@2026-06-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: functionAppName
  location: location
  tags: union(tags, { 'azd-service-name': azdServiceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with this identity (the app has no system-assigned one).
    keyVaultReferenceIdentity: identity.id
    // Inbound stays public even with a virtual network: partners post cohorts from the internet.
    publicNetworkAccess: 'Enabled'
    // Outbound through the virtual network (and so through the private endpoints) when there is one. Newer API
    // versions say "all traffic" here; siteConfig.vnetRouteAllEnabled below is the older spelling, set alike.
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    outboundVnetRouting: empty(virtualNetworkSubnetId)
      ? null
      : {
          allTraffic: true
        }
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // Linux apps resolve Key Vault references over a private endpoint only when all traffic routes through the
      // virtual network.
      vnetRouteAllEnabled: !empty(virtualNetworkSubnetId)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  // Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION and WEBSITE_RUN_FROM_PACKAGE:
  // the runtime is functionAppConfig.runtime above, the package comes from the deployment container.
  resource settings 'config' = {
    name: 'appsettings'
    properties: union(appSettings, {
      // The host's own storage, through the managed identity (no AzureWebJobsStorage connection string).
      AzureWebJobsStorage__accountName: storage.name
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identity.properties.clientId
      // DefaultAzureCredential in the app picks the user-assigned identity by this id (tables, Storage__TableServiceUri).
      AZURE_CLIENT_ID: identity.properties.clientId
      // Not a secret with local auth disabled on the component: ingestion also needs the Entra token below.
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
      // The REST endpoint the management API hands out with a new data import key.
      Api__PublicBaseUrl: 'https://${functionApp.properties.defaultHostName}'
      // The host's "Your Functions app is up and running" page at / becomes a bare 204 (the local host answers the same).
      AzureWebJobsDisableHomepage: 'true'
    })
  }

  // No FTP and no basic-auth (publishing profile) deployments: deploy with an Entra identity (azd, func, az).
  resource ftpPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

// The platform's logs of the app (FunctionAppLogs: host and function execution logs, also when Application Insights
// is unreachable) and its metrics, into Log Analytics.
// 2021-05-01-preview is the newest API of diagnostic settings (see storage.bicep).
#disable-next-line use-recent-api-versions
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: functionApp
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        categoryGroup: 'allLogs'
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

output functionAppName string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
