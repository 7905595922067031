// Test environment (global cloud): Flex Consumption, public endpoints. Every release is deployed
// here first: on Flex Consumption, which has no deployment slots, this environment is the place a
// build is checked before production.
//   az deployment group create -g rg-qualityaward-test -f infra/bicep/main.bicep -p infra/bicep/env/test.bicepparam
// The secrets come from environment variables (never from this file): QA_REPLY_LINK_SIGNING_KEY,
// QA_AUDIT_CHAIN_KEY, QA_WEB_CLIENT_SECRET, QA_WEB_SESSION_KEY; and the pages' client id from QA_WEB_CLIENT_ID.
using '../main.bicep'

param namePrefix = 'qawht'
param hostingPlan = 'FlexConsumption'
param storageSku = 'Standard_LRS'
param anchorRetentionDays = 30
param authAudience = 'api://qualityaward-weihai-test'
param graphSenderMailbox = 'zlj-award-test@weihai.gov.cn'
param replyBaseUrl = 'https://award-test.weihai.gov.cn'
param officeEmail = 'zlj-award-test@weihai.gov.cn'
param departments = {
  Tax: {
    email: 'tax-test@weihai.gov.cn'
    name: '威海市税务局'
  }
  EcologyEnvironment: {
    email: 'sthj-test@weihai.gov.cn'
    name: '威海市生态环境局'
  }
}
param webClientId = readEnvironmentVariable('QA_WEB_CLIENT_ID')
param replyLinkSigningKey = readEnvironmentVariable('QA_REPLY_LINK_SIGNING_KEY')
param auditChainKey = readEnvironmentVariable('QA_AUDIT_CHAIN_KEY')
param webClientSecret = readEnvironmentVariable('QA_WEB_CLIENT_SECRET')
param webSessionKey = readEnvironmentVariable('QA_WEB_SESSION_KEY')
param tags = {
  environment: 'test'
}
