# azd runs this after `azd up` and `azd deploy` on Windows, like postdeploy.sh: where the app is and what to do next.
$ErrorActionPreference = 'Stop'
if (-not $env:REST_ENDPOINT) { throw 'REST_ENDPOINT is not set: run azd provision first' }
if (-not $env:FUNCTION_APP_NAME) { throw 'FUNCTION_APP_NAME is not set: run azd provision first' }
$console = if ($env:CONSOLE_URL) { $env:CONSOLE_URL } else { "$($env:REST_ENDPOINT)/console" }
$openApi = if ($env:OPENAPI_URL) { $env:OPENAPI_URL } else { "$($env:REST_ENDPOINT)/openapi.json" }
$group = if ($env:AZURE_RESOURCE_GROUP) { $env:AZURE_RESOURCE_GROUP } else { '<resource group>' }
Write-Host @"

CohortFunctions is deployed.

  REST endpoint (paste into Amplitude):  $($env:REST_ENDPOINT)
  Operator console:                      $console
  OpenAPI description:                   $openApi
  Health:                                $($env:REST_ENDPOINT)/health

Next: generate a data import key for a workspace and give it to Amplitude with the REST endpoint and the partner
API key (docs/deploy.md, "The REST endpoint and the first data import key"):

  `$key = az functionapp keys list -g $group -n $($env:FUNCTION_APP_NAME) --query functionKeys.default -o tsv
  Invoke-RestMethod -Method Post "$($env:REST_ENDPOINT)/manage/workspaces/<workspace>/partners/amplitude/keys" -Headers @{ 'x-functions-key' = `$key }

"@
