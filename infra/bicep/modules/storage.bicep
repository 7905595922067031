// The data: event store and read models (tables), documents, reporting files and backups (blobs).
// Also the Functions host's own storage, whose Durable task hub uses tables, blobs and queues. Shared keys are off: everything signs
// in with Microsoft Entra ID. Blob versioning and soft delete protect documents, reports and backups.

@description('Region.')
param location string

@description('Tags.')
param tags object

@description('False: reachable only through private endpoints (public network access disabled).')
param publicNetworkAccess bool = true

@description('Storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Redundancy.')
param sku string

@description('Days deleted blobs, versions and containers can be recovered.')
@minValue(7)
@maxValue(365)
param softDeleteDays int = 30

@description('Days a daily backup export is kept.')
@minValue(7)
param backupRetentionDays int = 365

@description('Days each audit anchor blob stays immutable (WORM) after it is written.')
@minValue(1)
param anchorRetentionDays int

@description('Days a dated reporting folder is kept (latest/ is always current).')
@minValue(7)
param reportRetentionDays int = 400

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: sku
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: publicNetworkAccess ? 'Enabled' : 'Disabled'
    networkAcls: {
      defaultAction: publicNetworkAccess ? 'Allow' : 'Deny'
      bypass: 'None'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    isVersioningEnabled: true
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
  }
}

// Every table and container the app uses is made here, so the app asks for none at start
// (Storage__CreatedByDeployment, functionapp.bicep): a cold start waits on nothing it does not read.
// BicepTests fails when a table or container the app declares (its StorageNeeds) is missing here.
resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

// events: the event store; appindex: the read models; register: the award register; settings:
// the calendar and other settings; mail: the consultations' mail log.
resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for table in [
  'events'
  'appindex'
  'register'
  'settings'
  'mail'
]: {
  parent: tableService
  name: table
}]

// documents: the applicants' files; reportcache: the export's per-stream cache.
resource appContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for container in [
  'documents'
  'reportcache'
]: {
  parent: blobService
  name: container
}]

// These also exist before the app so role assignments and the package upload can target them.
resource reporting 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'reporting'
}

resource backup 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'backup'
}

// The audit anchors: every stream's head, hourly, in a new blob the app writes with If-None-Match: *.
// A time-based retention (WORM) policy keeps each anchor unmodifiable and undeletable for its
// retention, so write access to the tables (or Blob Data Owner) cannot rewrite the anchors too.
// The policy is deployed unlocked; lock it (az storage container immutability-policy lock) once the
// deployment is checked: a locked policy cannot be removed or shortened, only extended.
resource anchors 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'anchors'
}

resource anchorsWorm 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = {
  parent: anchors
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: anchorRetentionDays
    allowProtectedAppendWrites: false
  }
}

resource deployments 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'deployments'
}

// Old backups, old daily report folders and old blob versions are deleted after their retention.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'backups'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${backup.name}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: backupRetentionDays
                }
              }
            }
          }
        }
        {
          name: 'daily-reports'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${reporting.name}/'
              ]
            }
            actions: {
              // latest/ is rewritten every hour, so only the dated folders ever get this old.
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: reportRetentionDays
                }
              }
            }
          }
        }
        {
          name: 'old-versions'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
            }
            actions: {
              version: {
                delete: {
                  daysAfterCreationGreaterThan: softDeleteDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
output reportingContainer string = reporting.name
output backupContainer string = backup.name
output deploymentContainer string = deployments.name
output anchorsContainer string = anchors.name
