// The function app: the Functions host on Linux runs the .NET 10 isolated worker
// (scripts/package.sh: host.json, functions.metadata and the worker at the package root).
// Flex Consumption where the region offers it (the package in a blob container, read with the
// identity), or Elastic Premium / Dedicated (run from the package blob URL, read with the identity,
// or zip-deployed; no Azure Files share, which would need shared keys), optionally with a staging slot. The app's storage, the host and
// the Durable task hub (whose queues are the host's, on AzureWebJobsStorage) use the user-assigned identity; secrets are Key Vault references resolved with it.

@description('Region.')
param location string

@description('Tags.')
param tags object

@description('Tags of the function app (production slot) only, e.g. azd-service-name, which must name one resource.')
param siteTags object = {}

@description('App Service plan name.')
param planName string

@description('Function app name.')
param appName string

@description('Hosting plan: FlexConsumption (FC1, scales to zero, per-function scaling), ElasticPremium (EP*) or Dedicated (App Service plan, Always On).')
@allowed([
  'FlexConsumption'
  'ElasticPremium'
  'Dedicated'
])
param hostingPlan string

@description('Plan SKU for ElasticPremium (EP1, EP2, EP3) or Dedicated (P0v3, P1v3, …); ignored on Flex Consumption.')
param planSku string

@description('Flex Consumption: the most instances the app scales out to.')
param maximumInstanceCount int = 40

@description('Flex Consumption: memory per instance, MB.')
param instanceMemoryMB int = 2048

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('Blob endpoint of the data account (from its primaryEndpoints).')
param blobEndpoint string

@description('Queue endpoint of the data account.')
param queueEndpoint string

@description('Table endpoint of the data account.')
param tableEndpoint string

@description('Blob container the package is deployed to (Flex Consumption: the one-deploy target; other plans: where qualityaward.zip is uploaded).')
param deploymentContainerUrl string

@description('Application Insights connection string.')
param appInsightsConnectionString string

@description('Entra ID authority for the API\'s tokens.')
param authAuthority string

@description('Audience of the API\'s tokens.')
param authAudience string

@description('Microsoft Graph endpoint.')
param graphEndpoint string

@description('Key Vault secret URI of the reply-link signing key.')
param replyLinkSigningKeySecretUri string

@description('Key Vault secret URI of the sending mailbox.')
param graphSenderMailboxSecretUri string

@description('Key Vault secret URI of the audit hash chain key (Audit:ChainKey).')
param auditChainKeySecretUri string

@description('Client id of the pages\' sign-in app registration.')
param webClientId string

@description('Key Vault secret URI of its client secret (Auth:Web:ClientSecret).')
param webClientSecretUri string

@description('Key Vault secret URI of the pages\' session key (Auth:Web:SessionKey).')
param webSessionKeySecretUri string

@description('The https address applicants use for the pages (Auth:Web:PublicBaseUrl).')
param webPublicBaseUrl string

@description('Public https address the departments\' reply links start with (the function app\'s or a custom domain).')
param replyBaseUrl string

@description('Mail address where overdue departments are reported.')
param officeEmail string

@description('Consulted departments: name (Tax, EcologyEnvironment, EmergencyManagement, HumanResourcesSocialSecurity, MarketRegulation, PublicSecurity, DisciplineInspection, OrganisationPersonnel, DefenceSecurity) to { email, name }.')
param departments object

@description('Microsoft Entra authority host for Graph tokens (this cloud\'s login endpoint).')
param authorityHost string

@description('How Elastic Premium and Dedicated get the package: blob (WEBSITE_RUN_FROM_PACKAGE is the package blob\'s URL, read with the identity) or zipDeploy (WEBSITE_RUN_FROM_PACKAGE=1: azd deploy or az functionapp deployment source config-zip puts it in the app\'s own storage, per slot, so a swap moves it). Not used by Flex Consumption.')
@allowed([
  'blob'
  'zipDeploy'
])
param packageSource string = 'blob'

@description('Elastic Premium or Dedicated: a deployment slot "staging" with its own Durable task hub and every timer and queue function disabled (sticky settings), to warm up and check a build before swapping it into production. Flex Consumption has no slots: ignored there.')
param stagingSlot bool = false

@description('Resource id of the VNet integration subnet the app\'s outbound traffic goes through (all of it); empty: no VNet integration.')
param integrationSubnetId string = ''

@description('The Durable task hub of production (app setting DurableTaskHub, read by host.json\'s %DurableTaskHub%).')
param taskHub string = 'qualityaward'

@description('The staging slot\'s own Durable task hub, so a staged build never works on production\'s orchestrations.')
param stagingTaskHub string = 'qualityawardstaging'

var flex = hostingPlan == 'FlexConsumption'
var withSlot = stagingSlot && !flex
var vnet = !empty(integrationSubnetId)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: flex ? 'functionapp' : (hostingPlan == 'ElasticPremium' ? 'elastic' : 'linux')
  sku: flex ? {
    name: 'FC1'
    tier: 'FlexConsumption'
  } : {
    name: planSku
  }
  properties: {
    reserved: true
    maximumElasticWorkerCount: hostingPlan == 'ElasticPremium' ? 20 : null
  }
}

// The staging slot disables every timer function of the app (their [Function] names:
// FunctionCatalog.Timers), so a staged build never runs the backup, the audit anchoring, the
// report export, the holders' supervision or the sweeps against production data (its
// orchestrations run in a task hub of its own). BicepTests fails when a timer the app declares is
// missing here.
var disabledInStaging = [
  { name: 'AzureWebJobs.AuditAnchor.Disabled', value: 'true' }
  { name: 'AzureWebJobs.Backup.Disabled', value: 'true' }
  { name: 'AzureWebJobs.HolderSupervision.Disabled', value: 'true' }
  { name: 'AzureWebJobs.ProjectionSweep.Disabled', value: 'true' }
  { name: 'AzureWebJobs.ReportingExport.Disabled', value: 'true' }
  { name: 'AzureWebJobs.UploadSweep.Disabled', value: 'true' }
]

// Settings only the staging slot has, all sticky (they stay with the slot when it is swapped):
// its own Durable task hub and the disabled functions.
var stagingOnlySettings = concat([
  { name: 'DurableTaskHub', value: stagingTaskHub }
], disabledInStaging)

// What every plan sets: the host's own storage and the app's data, identity-based; sign-in;
// secrets as Key Vault references; mail; telemetry.
var commonSettings = concat([
  // host.json's durableTask.hubName is %DurableTaskHub%: production's hub (the staging slot sets its own).
  { name: 'DurableTaskHub', value: taskHub }
  // The host's own storage (timers' leases, the Durable task hub), identity-based.
  { name: 'AzureWebJobsStorage__blobServiceUri', value: blobEndpoint }
  { name: 'AzureWebJobsStorage__queueServiceUri', value: queueEndpoint }
  { name: 'AzureWebJobsStorage__tableServiceUri', value: tableEndpoint }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  // The app's data (Storage:* options): tables and blobs; it has no queues of its own.
  { name: 'Storage__tableServiceUri', value: tableEndpoint }
  { name: 'Storage__blobServiceUri', value: blobEndpoint }
  { name: 'Storage__ManagedIdentityClientId', value: identityClientId }
  // storage.bicep makes every table and container: the app asks for no creation at start.
  { name: 'Storage__CreatedByDeployment', value: 'true' }
  // Sign-in.
  { name: 'Auth__Authority', value: authAuthority }
  { name: 'Auth__Audience', value: authAudience }
  // The zh-CN pages' sign-in (OpenID Connect): the secret and the session key stay in Key Vault.
  { name: 'Auth__Web__ClientId', value: webClientId }
  { name: 'Auth__Web__ClientSecret', value: '@Microsoft.KeyVault(SecretUri=${webClientSecretUri})' }
  { name: 'Auth__Web__SessionKey', value: '@Microsoft.KeyVault(SecretUri=${webSessionKeySecretUri})' }
  { name: 'Auth__Web__PublicBaseUrl', value: webPublicBaseUrl }
  // The certificates' QR codes link to <this>/verify/<code>, the public check on the same site.
  { name: 'Certificates__PublicBaseUrl', value: webPublicBaseUrl }
  // The audit hash chain's HMAC key (events and anchors): a secret, kept in Key Vault.
  { name: 'Audit__ChainKey', value: '@Microsoft.KeyVault(SecretUri=${auditChainKeySecretUri})' }
  // Mail (Graph) and the departments' reply links: secrets stay in Key Vault.
  { name: 'Graph__BaseUrl', value: '${graphEndpoint}/v1.0' }
  { name: 'Graph__AuthorityHost', value: authorityHost }
  { name: 'Graph__Credential', value: 'ManagedIdentity' }
  { name: 'Graph__ManagedIdentityClientId', value: identityClientId }
  { name: 'Consultations__Mailbox', value: '@Microsoft.KeyVault(SecretUri=${graphSenderMailboxSecretUri})' }
  { name: 'Consultations__SigningKey', value: '@Microsoft.KeyVault(SecretUri=${replyLinkSigningKeySecretUri})' }
  { name: 'Consultations__ReplyBaseUrl', value: replyBaseUrl }
  { name: 'Consultations__OfficeEmail', value: officeEmail }
  // Telemetry with Entra authentication (local auth is off on Application Insights).
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD;ClientId=${identityClientId}' }
], flatten(map(items(departments), d => [
  { name: 'Consultations__Departments__${d.key}__Email', value: d.value.email }
  { name: 'Consultations__Departments__${d.key}__Name', value: d.value.name }
])))

// Elastic Premium and Dedicated name the runtime in settings and run from the package's blob URL
// (read with the identity); Flex Consumption names it in functionAppConfig and forbids these settings.
var classicRuntime = [
  { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
  { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }
]
var fromBlob = [
  { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '${deploymentContainerUrl}/qualityaward.zip' }
  { name: 'WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID', value: identityId }
]
// Zip deploy (azd deploy, az functionapp deployment source config-zip [--slot staging]) keeps the
// package in each slot's own storage; a swap moves it with the slot's content.
var fromZipDeploy = [
  { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
]
var classicSettings = concat(classicRuntime, packageSource == 'zipDeploy' ? fromZipDeploy : fromBlob)

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, siteTags)
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    reserved: true
    keyVaultReferenceIdentity: identityId
    // Private networking: every outbound call (storage, Key Vault, Graph) leaves through the VNet.
    virtualNetworkSubnetId: vnet ? integrationSubnetId : null
    vnetRouteAllEnabled: vnet ? true : null
    functionAppConfig: flex ? {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    } : null
    siteConfig: {
      linuxFxVersion: flex ? null : 'DOTNET-ISOLATED|10.0'
      alwaysOn: hostingPlan == 'Dedicated' ? true : null
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      healthCheckPath: flex ? null : '/healthz/ready'
      appSettings: flex ? commonSettings : concat(classicSettings, commonSettings)
    }
  }
}

// The staging slot (Elastic Premium, Dedicated): the same app and identity on the same plan, its
// own task hub, no timers and no queue triggers. Deploy to it, check it at its own address, then
// swap (az functionapp deployment slot swap): production's sticky settings stay in production.
resource staging 'Microsoft.Web/sites/slots@2024-04-01' = if (withSlot) {
  parent: site
  name: 'staging'
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    reserved: true
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: vnet ? integrationSubnetId : null
    vnetRouteAllEnabled: vnet ? true : null
    siteConfig: {
      linuxFxVersion: 'DOTNET-ISOLATED|10.0'
      alwaysOn: hostingPlan == 'Dedicated' ? true : null
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      healthCheckPath: '/healthz/ready'
      // The slot is always zip-deployed (its own package) and has its own task hub, not production's.
      appSettings: concat(classicRuntime, fromZipDeploy, filter(commonSettings, c => c.name != 'DurableTaskHub'), stagingOnlySettings)
    }
  }
}

// Sticky (slot) settings: the task hub and the disabled functions stay with their slot on a swap.
resource stickySettings 'Microsoft.Web/sites/config@2024-04-01' = if (withSlot) {
  parent: site
  name: 'slotConfigNames'
  properties: {
    appSettingNames: map(stagingOnlySettings, s => s.name)
  }
}

resource stagingFtpCredentials 'Microsoft.Web/sites/slots/basicPublishingCredentialsPolicies@2024-04-01' = if (withSlot) {
  parent: staging
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource stagingScmCredentials 'Microsoft.Web/sites/slots/basicPublishingCredentialsPolicies@2024-04-01' = if (withSlot) {
  parent: staging
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = site.name
output url string = 'https://${site.properties.defaultHostName}'
output stagingUrl string = withSlot ? 'https://${staging!.properties.defaultHostName}' : ''
