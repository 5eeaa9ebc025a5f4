// The private network of an installation with vnetEnabled: a virtual network whose app subnet the function app
// joins (Flex Consumption VNet integration), and private endpoints with private DNS zones for the storage account's
// table, blob and queue services and for the key vault, so that both can turn public network access off. The
// function app's own HTTP endpoint stays public: partners post to it from the internet.

@description('Azure region of the resources.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the virtual network.')
param virtualNetworkName string

@description('Address space of the virtual network; the app subnet is its first /24, the private endpoint subnet its second.')
param addressPrefix string

@description('Name of the storage account whose table, blob and queue services get private endpoints.')
param storageAccountName string

@description('Name of the key vault that gets a private endpoint.')
param keyVaultName string

@description('Suffix of the private endpoints\' names, unique to the environment.')
param nameSuffix string

var appSubnetName = 'snet-app'
var privateEndpointSubnetName = 'snet-private-endpoints'

// One private endpoint per service: its group id on the target resource and the private DNS zone its name resolves in
// (privatelink.<service>.core.windows.net, privatelink.vaultcore.azure.net in the public cloud).
var endpoints = [
  {
    name: 'table'
    groupId: 'table'
    zone: 'privatelink.table.${environment().suffixes.storage}'
    target: storage.id
  }
  {
    name: 'blob'
    groupId: 'blob'
    zone: 'privatelink.blob.${environment().suffixes.storage}'
    target: storage.id
  }
  {
    name: 'queue'
    groupId: 'queue'
    zone: 'privatelink.queue.${environment().suffixes.storage}'
    target: storage.id
  }
  {
    name: 'vault'
    groupId: 'vault'
    zone: 'privatelink${replace(environment().suffixes.keyvaultDns, 'vault', 'vaultcore')}'
    target: keyVault.id
  }
]

resource storage 'Microsoft.Storage/storageAccounts@2026-06-01' existing = {
  name: storageAccountName
}

resource keyVault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: keyVaultName
}

resource virtualNetwork 'Microsoft.Network/virtualNetworks@2026-03-01' = {
  name: virtualNetworkName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: appSubnetName
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 0)
          // Flex Consumption integrates through Container Apps environments, not Microsoft.Web/serverFarms.
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
          privateEndpointNetworkPolicies: 'Disabled'
          privateLinkServiceNetworkPolicies: 'Enabled'
        }
      }
      {
        name: privateEndpointSubnetName
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 1)
          privateEndpointNetworkPolicies: 'Disabled'
          privateLinkServiceNetworkPolicies: 'Enabled'
        }
      }
    ]
  }

  resource appSubnet 'subnets' existing = {
    name: appSubnetName
  }

  resource privateEndpointSubnet 'subnets' existing = {
    name: privateEndpointSubnetName
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for endpoint in endpoints: {
    name: endpoint.zone
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (endpoint, i) in endpoints: {
    parent: zones[i]
    name: '${virtualNetworkName}-link'
    location: 'global'
    tags: tags
    properties: {
      virtualNetwork: {
        id: virtualNetwork.id
      }
      registrationEnabled: false
    }
  }
]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2026-03-01' = [
  for endpoint in endpoints: {
    name: 'pe-${endpoint.name}-${nameSuffix}'
    location: location
    tags: tags
    properties: {
      subnet: {
        id: virtualNetwork::privateEndpointSubnet.id
      }
      privateLinkServiceConnections: [
        {
          name: 'pe-${endpoint.name}-${nameSuffix}'
          properties: {
            privateLinkServiceId: endpoint.target
            groupIds: [
              endpoint.groupId
            ]
          }
        }
      ]
    }
  }
]

// The zone group writes the endpoint's A record into its zone, so <account>.table.core.windows.net resolves to the
// private address inside the network.
resource zoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2026-03-01' = [
  for (endpoint, i) in endpoints: {
    parent: privateEndpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: endpoint.name
          properties: {
            privateDnsZoneId: zones[i].id
          }
        }
      ]
    }
  }
]

@description('Resource id of the subnet the function app integrates with.')
output appSubnetId string = virtualNetwork::appSubnet.id

@description('Name of the virtual network.')
output virtualNetworkName string = virtualNetwork.name
