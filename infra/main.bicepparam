// Parameters of a dev environment. The partner API key is a secret: it is read from the environment when the
// file is built (export AMPLITUDE_PARTNER_API_KEY=..., or `azd env set AMPLITUDE_PARTNER_API_KEY ...`) and never
// written here. See docs/deploy.md.
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'dev')

param partners = [
  {
    name: 'amplitude'
    displayName: 'Amplitude'
  }
  // Another partner is one more entry here and its keys below, e.g.
  // { name: 'mixpanel', displayName: 'Mixpanel' }  with  mixpanel: [readEnvironmentVariable('MIXPANEL_PARTNER_API_KEY')]
]

param partnerApiKeys = {
  // While rotating, two keys: [readEnvironmentVariable('AMPLITUDE_PARTNER_API_KEY'), readEnvironmentVariable('AMPLITUDE_PARTNER_API_KEY_NEXT')]
  amplitude: [
    readEnvironmentVariable('AMPLITUDE_PARTNER_API_KEY')
  ]
}

param instanceMemoryMB = 2048
param maximumInstanceCount = 40

// Operations: where alerts go, and the options an environment picks through azd env set (or exported variables).
param alertEmailAddress = readEnvironmentVariable('ALERT_EMAIL_ADDRESS', '')
param vnetEnabled = bool(readEnvironmentVariable('VNET_ENABLED', 'false'))
// Dev: the team reads the tables with Storage Explorer under its own sign-in. Set DEPLOYER_ROLES_ENABLED=false for production.
param deployerRolesEnabled = bool(readEnvironmentVariable('DEPLOYER_ROLES_ENABLED', 'true'))
