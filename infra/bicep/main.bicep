// QualityAward (市长质量奖) in Azure: the function app (.NET 10 isolated worker, Linux; Flex
// Consumption where offered, Elastic Premium or Dedicated by parameter), its data storage
// (tables, blobs, queues; no shared keys), Key Vault, Log Analytics + Application Insights, one
// user-assigned identity and the roles it needs; optionally a staging slot and private networking.
// Works in the global cloud and in Azure operated by 21Vianet: every endpoint comes from
// environment() or from the resources themselves. `azd up` runs it (azure.yaml, main.parameters.json);
// env/*.bicepparam hold each environment's values.
targetScope = 'resourceGroup'

@description('Azure region for every resource. Defaults to the resource group\'s region (e.g. chinanorth3 in Azure China).')
param location string = resourceGroup().location

@description('Short prefix of every resource name: 2 to 6 lowercase letters or digits, starting with a letter (e.g. "qawh" for Weihai).')
@minLength(2)
@maxLength(6)
param namePrefix string = 'qa'

@description('Microsoft Entra ID authority that signs the API\'s bearer tokens. The default is this tenant on this cloud\'s login endpoint.')
param authAuthority string = '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'

@description('Audience (application ID URI or client id) of the API\'s app registration, e.g. api://qualityaward-weihai.')
param authAudience string

@description('Microsoft Graph endpoint used to send mail. Global: https://graph.microsoft.com; Azure China: https://microsoftgraph.chinacloudapi.cn.')
param graphEndpoint string = environment().name == 'AzureChinaCloud' ? 'https://microsoftgraph.chinacloudapi.cn' : 'https://graph.microsoft.com'

@description('The mailbox consultation emails are sent from (Graph Mail.Send, limited to this mailbox by an application access policy).')
param graphSenderMailbox string

@description('Public https address the departments\' reply links start with, e.g. https://award.weihai.gov.cn (the function app\'s default host name works too).')
param replyBaseUrl string

@description('Mail address of the award office: overdue departments are reported there.')
param officeEmail string

@description('The departments consulted, each with its mail address and display name, e.g. {"Tax": {"email": "tax@weihai.gov.cn", "name": "威海市税务局"}}. Names: Tax, EcologyEnvironment, EmergencyManagement, HumanResourcesSocialSecurity, MarketRegulation, PublicSecurity, DisciplineInspection, OrganisationPersonnel, DefenceSecurity.')
param departments object

@description('Key that signs the departments\' reply links: at least 32 random bytes, base64. Stored only in Key Vault.')
@secure()
param replyLinkSigningKey string

@description('HMAC key of the audit hash chain and its anchors: base64 of at least 32 random bytes (e.g. openssl rand -base64 48). Stored only in Key Vault; keep it for as long as the data: without it no stored event verifies.')
@secure()
param auditChainKey string

@description('Application (client) id of the app registration the zh-CN applicant pages sign in with (Microsoft Entra ID or Entra External ID, OpenID Connect code flow). Its redirect URI is <webPublicBaseUrl>/signin/entra/callback (type Web).')
param webClientId string

@description('Client secret of that app registration. Stored only in Key Vault.')
@secure()
param webClientSecret string

@description('Key that signs the pages\' own session tokens and protects the sign-in state: base64 of at least 32 random bytes (e.g. openssl rand -base64 48). Stored only in Key Vault; replacing it signs everyone out.')
@secure()
param webSessionKey string

@description('The https address applicants use for the pages, with no path (e.g. https://award.weihai.gov.cn). Defaults to the reply links\' address.')
param webPublicBaseUrl string = replyBaseUrl

@description('Days each audit anchor blob stays immutable (WORM, time-based retention on the anchors container).')
@minValue(1)
param anchorRetentionDays int = 3650

@description('Hosting plan. FlexConsumption (the default in the global cloud: scales to zero, identity-based deployment storage) where the region offers it; Azure operated by 21Vianet does not, so there the default is Dedicated (an App Service plan with Always On, so timers run); ElasticPremium scales out on demand with pre-warmed instances.')
@allowed([
  'FlexConsumption'
  'ElasticPremium'
  'Dedicated'
])
param hostingPlan string = environment().name == 'AzureChinaCloud' ? 'Dedicated' : 'FlexConsumption'

@description('SKU of an ElasticPremium (EP1, EP2, EP3) or Dedicated (P0v3, P1v3, P2v3, P1mv3) plan; not used by Flex Consumption. Check that the region offers it.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
  'P0v3'
  'P1v3'
  'P2v3'
  'P1mv3'
])
param planSku string = hostingPlan == 'ElasticPremium' ? 'EP1' : 'P1v3'

@description('Flex Consumption: the most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Storage redundancy of the data account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
])
param storageSku string = 'Standard_ZRS'

@description('Object ids of the office\'s users or groups who read the Power BI files (Storage Blob Data Reader on the reporting container only).')
param reportReaderPrincipalIds array = []

@description('How Elastic Premium and Dedicated run the package: blob (scripts/package.sh, uploaded to the deployments container; WEBSITE_RUN_FROM_PACKAGE is its URL) or zipDeploy (azd deploy / az functionapp deployment source config-zip; WEBSITE_RUN_FROM_PACKAGE=1). zipDeploy is the default with a staging slot (a swap moves a zip-deployed package). Flex Consumption ignores it.')
@allowed([
  'blob'
  'zipDeploy'
])
param packageSource string = stagingSlot ? 'zipDeploy' : 'blob'

@description('Elastic Premium or Dedicated: add a deployment slot "staging" (its own Durable task hub, every timer and queue function disabled, all sticky) to check a build before swapping it into production. Flex Consumption has no slots, so it is ignored there: deploy to a test environment first (env/test.bicepparam).')
param stagingSlot bool = false

@description('Storage and Key Vault reachable only from the app: a VNet (app integration subnet + private endpoint subnet), private endpoints and private DNS zones for blob, queue, table and Key Vault, public network access off, all the app\'s outbound traffic through the VNet. Uploading a package to storage and Power BI then need a network path (see docs/deploy.md).')
param privateNetworking bool = false

@description('Private networking: the VNet\'s address space, at least a /23 (first /24: app integration, second /24: private endpoints).')
param vnetAddressPrefix string = '10.40.0.0/23'

@description('Tags for every resource.')
param tags object = {}

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, location, namePrefix))
var prefix = toLower(namePrefix)
var allTags = union(tags, { application: 'qualityaward' })

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${prefix}-id-${resourceToken}'
  location: location
  tags: allTags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: allTags
    logAnalyticsName: '${prefix}-log-${resourceToken}'
    appInsightsName: '${prefix}-appi-${resourceToken}'
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: allTags
    name: '${prefix}st${resourceToken}'
    sku: storageSku
    anchorRetentionDays: anchorRetentionDays
    publicNetworkAccess: !privateNetworking
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    tags: allTags
    name: '${prefix}-kv-${take(resourceToken, 13)}'
    replyLinkSigningKey: replyLinkSigningKey
    graphSenderMailbox: graphSenderMailbox
    auditChainKey: auditChainKey
    webClientSecret: webClientSecret
    webSessionKey: webSessionKey
    publicNetworkAccess: !privateNetworking
  }
}

module network 'modules/network.bicep' = if (privateNetworking) {
  name: 'network'
  params: {
    location: location
    tags: allTags
    vnetName: '${prefix}-vnet-${resourceToken}'
    addressPrefix: vnetAddressPrefix
    hostingPlan: hostingPlan
    storageAccountId: storage.outputs.id
    keyVaultId: keyVault.outputs.id
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: identity.properties.principalId
    storageAccountName: storage.outputs.name
    reportingContainerName: storage.outputs.reportingContainer
    keyVaultName: keyVault.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    reportReaderPrincipalIds: reportReaderPrincipalIds
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    tags: allTags
    // azd deploys the service "api" (azure.yaml) to the one resource with this tag.
    siteTags: {
      'azd-service-name': 'api'
    }
    planName: '${prefix}-plan-${resourceToken}'
    appName: '${prefix}-func-${resourceToken}'
    hostingPlan: hostingPlan
    planSku: planSku
    maximumInstanceCount: maximumInstanceCount
    identityId: identity.id
    identityClientId: identity.properties.clientId
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${storage.outputs.deploymentContainer}'
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    authAuthority: authAuthority
    authAudience: authAudience
    graphEndpoint: graphEndpoint
    replyLinkSigningKeySecretUri: keyVault.outputs.replyLinkSigningKeySecretUri
    graphSenderMailboxSecretUri: keyVault.outputs.graphSenderMailboxSecretUri
    auditChainKeySecretUri: keyVault.outputs.auditChainKeySecretUri
    webClientId: webClientId
    webClientSecretUri: keyVault.outputs.webClientSecretUri
    webSessionKeySecretUri: keyVault.outputs.webSessionKeySecretUri
    webPublicBaseUrl: webPublicBaseUrl
    replyBaseUrl: replyBaseUrl
    officeEmail: officeEmail
    departments: departments
    authorityHost: environment().authentication.loginEndpoint
    packageSource: packageSource
    stagingSlot: stagingSlot
    integrationSubnetId: privateNetworking ? network!.outputs.integrationSubnetId : ''
  }
  // The app reads storage and Key Vault with the identity from its first start (through the private endpoints if any).
  dependsOn: [
    roles
  ]
}

@description('The function app\'s base URL (API under /api, health under /healthz/ready).')
output functionAppUrl string = functionApp.outputs.url

@description('The function app\'s name (for az functionapp commands).')
output functionAppName string = functionApp.outputs.name

@description('The staging slot\'s base URL (empty without a slot).')
output stagingUrl string = functionApp.outputs.stagingUrl

@description('The data storage account\'s name.')
output storageAccountName string = storage.outputs.name

@description('Blob endpoint for Power BI: followed by the reporting container, it is the ReportingContainerUrl the queries read with AzureStorage.BlobContents (organisational account sign-in).')
output blobEndpoint string = storage.outputs.blobEndpoint

@description('The container Power BI reads (v1/{table}/latest/{table}.parquet).')
output reportingContainer string = storage.outputs.reportingContainer

@description('Container and blob name the packaged app is uploaded to.')
output packageBlob string = '${storage.outputs.deploymentContainer}/qualityaward.zip'

@description('The container of the audit anchors (time-based immutability; lock its policy once the deployment is checked).')
output anchorsContainer string = storage.outputs.anchorsContainer

@description('Key Vault URI (reply-link signing key, audit chain key, Graph settings, web sign-in secret and session key).')
output keyVaultUri string = keyVault.outputs.uri

@description('Client id of the app\'s managed identity (grant it Graph Mail.Send).')
output identityClientId string = identity.properties.clientId

@description('Object id of the app\'s managed identity\'s service principal.')
output identityPrincipalId string = identity.properties.principalId
