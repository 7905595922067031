// Key Vault in RBAC mode for the secrets the app reads through Key Vault references.

@description('Region.')
param location string

@description('Tags.')
param tags object

@description('False: reachable only through private endpoints (public network access disabled).')
param publicNetworkAccess bool = true

@description('Key Vault name (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Key that signs the departments\' reply links.')
@secure()
param replyLinkSigningKey string

@description('The mailbox consultation emails are sent from.')
param graphSenderMailbox string

@description('HMAC key of the audit hash chain and its anchors.')
@secure()
param auditChainKey string

@description('Client secret of the pages\' sign-in app registration.')
@secure()
param webClientSecret string

@description('Key of the pages\' session tokens and sign-in state.')
@secure()
param webSessionKey string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
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
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: publicNetworkAccess ? 'Enabled' : 'Disabled'
    networkAcls: {
      defaultAction: publicNetworkAccess ? 'Allow' : 'Deny'
      bypass: 'None'
    }
  }
}

resource replyLinkKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'reply-link-signing-key'
  properties: {
    value: replyLinkSigningKey
    contentType: 'base64'
  }
}

resource senderMailbox 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'graph-sender-mailbox'
  properties: {
    value: graphSenderMailbox
    contentType: 'text/plain'
  }
}

resource auditKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'audit-chain-key'
  properties: {
    value: auditChainKey
    contentType: 'base64'
  }
}

resource webSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'web-client-secret'
  properties: {
    value: webClientSecret
    contentType: 'text/plain'
  }
}

resource webSession 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'web-session-key'
  properties: {
    value: webSessionKey
    contentType: 'base64'
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
output replyLinkSigningKeySecretUri string = replyLinkKey.properties.secretUri
output graphSenderMailboxSecretUri string = senderMailbox.properties.secretUri
output auditChainKeySecretUri string = auditKey.properties.secretUri
output webClientSecretUri string = webSecret.properties.secretUri
output webSessionKeySecretUri string = webSession.properties.secretUri
