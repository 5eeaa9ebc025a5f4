#!/bin/sh
# azd runs this after `azd up` and `azd deploy` with the template's outputs in the environment: it prints where the
# app is and what to do next. It reads nothing secret and prints nothing secret (the function key is fetched by the
# command it shows, under the operator's own sign-in).
set -eu
: "${REST_ENDPOINT:?REST_ENDPOINT is not set: run azd provision first}"
: "${FUNCTION_APP_NAME:?FUNCTION_APP_NAME is not set: run azd provision first}"
cat <<MESSAGE

CohortFunctions is deployed.

  REST endpoint (paste into Amplitude):  ${REST_ENDPOINT}
  Operator console:                      ${CONSOLE_URL:-${REST_ENDPOINT}/console}
  OpenAPI description:                   ${OPENAPI_URL:-${REST_ENDPOINT}/openapi.json}
  Health:                                ${REST_ENDPOINT}/health

Next: generate a data import key for a workspace and give it to Amplitude with the REST endpoint and the partner
API key (docs/deploy.md, "The REST endpoint and the first data import key"):

  key=\$(az functionapp keys list -g ${AZURE_RESOURCE_GROUP:-<resource group>} -n ${FUNCTION_APP_NAME} --query functionKeys.default -o tsv)
  curl -sS -X POST "${REST_ENDPOINT}/manage/workspaces/<workspace>/partners/amplitude/keys" -H "x-functions-key: \$key"

MESSAGE
