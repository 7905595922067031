// Private networking (optional, main.bicep's privateNetworking): a VNet with the app's integration
// subnet (all its outbound traffic) and a subnet for private endpoints; private endpoints for the
// data account's blob, queue and table services and for Key Vault, each registered in its private
// DNS zone linked to the VNet. The zone names are built from environment().suffixes, so the same
// template gives the global cloud's zones and those of Azure operated by 21Vianet.

@description('Region.')
param location string

@description('Tags.')
param tags object

@description('Virtual network name.')
param vnetName string

@description('Address space of the VNet (at least a /23): the first /24 is the integration subnet, the second the private endpoints\'.')
param addressPrefix string

@description('Hosting plan: Flex Consumption delegates its integration subnet to Microsoft.App/environments, Elastic Premium and Dedicated to Microsoft.Web/serverFarms.')
@allowed([
  'FlexConsumption'
  'ElasticPremium'
  'Dedicated'
])
param hostingPlan string

@description('Resource id of the data storage account.')
param storageAccountId string

@description('Resource id of the Key Vault.')
param keyVaultId string

var storageSuffix = environment().suffixes.storage
var endpoints = [
  { name: 'blob', groupId: 'blob', zone: 'privatelink.blob.${storageSuffix}', target: storageAccountId }
  { name: 'queue', groupId: 'queue', zone: 'privatelink.queue.${storageSuffix}', target: storageAccountId }
  { name: 'table', groupId: 'table', zone: 'privatelink.table.${storageSuffix}', target: storageAccountId }
  // Key Vault's private zone is privatelink.vaultcore.<the cloud's suffix>; keyvaultDns is ".vault.<suffix>".
  { name: 'vault', groupId: 'vault', zone: 'privatelink${replace(environment().suffixes.keyvaultDns, '.vault.', '.vaultcore.')}', target: keyVaultId }
]

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: vnetName
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
        name: 'app'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 0)
          delegations: [
            {
              name: 'app'
              properties: {
                serviceName: hostingPlan == 'FlexConsumption' ? 'Microsoft.App/environments' : 'Microsoft.Web/serverFarms'
              }
            }
          ]
        }
      }
      {
        name: 'endpoints'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 1)
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [for e in endpoints: {
  name: e.zone
  location: 'global'
  tags: tags
}]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [for (e, i) in endpoints: {
  parent: zones[i]
  name: vnet.name
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: vnet.id
    }
  }
}]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2024-05-01' = [for e in endpoints: {
  name: '${vnetName}-pe-${e.name}'
  location: location
  tags: tags
  properties: {
    subnet: {
      id: vnet.properties.subnets[1].id
    }
    privateLinkServiceConnections: [
      {
        name: e.name
        properties: {
          privateLinkServiceId: e.target
          groupIds: [
            e.groupId
          ]
        }
      }
    ]
  }
}]

resource zoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = [for (e, i) in endpoints: {
  parent: privateEndpoints[i]
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: e.name
        properties: {
          privateDnsZoneId: zones[i].id
        }
      }
    ]
  }
}]

output vnetId string = vnet.id
output integrationSubnetId string = vnet.properties.subnets[0].id
output endpointsSubnetId string = vnet.properties.subnets[1].id
