// Production in Azure operated by 21Vianet (az cloud set --name AzureChinaCloud; e.g. chinanorth3):
// no Flex Consumption there, so a Dedicated (App Service) plan with Always On, a staging slot and
// private networking. The Graph endpoint and every storage and Key Vault name come from the cloud.
//   az deployment group create -g rg-qualityaward -f infra/bicep/main.bicep -p infra/bicep/env/china-prod.bicepparam
// The secrets come from environment variables (never from this file): QA_REPLY_LINK_SIGNING_KEY,
// QA_AUDIT_CHAIN_KEY, QA_WEB_CLIENT_SECRET, QA_WEB_SESSION_KEY; the pages' client id from
// QA_WEB_CLIENT_ID; the office group that reads the Power BI files from QA_REPORT_READER_ID.
using '../main.bicep'

param namePrefix = 'qawh'
param hostingPlan = 'Dedicated'
param planSku = 'P1v3'
param stagingSlot = true
param privateNetworking = true
param vnetAddressPrefix = '10.41.0.0/23'
param authAudience = 'api://qualityaward-weihai'
param graphSenderMailbox = 'zlj-award@weihai.gov.cn'
param replyBaseUrl = 'https://award.weihai.gov.cn'
param officeEmail = 'zlj-award@weihai.gov.cn'
param departments = {
  Tax: {
    email: 'tax@weihai.gov.cn'
    name: '威海市税务局'
  }
  EcologyEnvironment: {
    email: 'sthj@weihai.gov.cn'
    name: '威海市生态环境局'
  }
}
param reportReaderPrincipalIds = [
  readEnvironmentVariable('QA_REPORT_READER_ID')
]
param webClientId = readEnvironmentVariable('QA_WEB_CLIENT_ID')
param replyLinkSigningKey = readEnvironmentVariable('QA_REPLY_LINK_SIGNING_KEY')
param auditChainKey = readEnvironmentVariable('QA_AUDIT_CHAIN_KEY')
param webClientSecret = readEnvironmentVariable('QA_WEB_CLIENT_SECRET')
param webSessionKey = readEnvironmentVariable('QA_WEB_SESSION_KEY')
param tags = {
  environment: 'prod'
  cloud: 'AzureChinaCloud'
}
