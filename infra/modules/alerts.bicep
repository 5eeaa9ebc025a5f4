// What an on-call engineer is woken for and what they look at: an action group (email), a standard availability test
// of /health with its alert, log alerts over the app's metrics (the contract in docs/operations.md) and the host's
// request telemetry, and a workbook charting those metrics. The queries live in infra/monitoring/ and are quoted
// verbatim in docs/operations.md.

@description('Azure region of the resources (alert rules and the workbook; the action group is global).')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Suffix of every name, unique to the environment (environmentName and token).')
param nameSuffix string

@description('Name of the Application Insights component the alerts query and the availability test reports to.')
param applicationInsightsName string

@description('Default hostname of the function app; the availability test calls https://<hostname>/health.')
param functionAppHostName string

@description('Email address the alerts go to; empty for none (alerts still fire and show in the portal).')
param alertEmailAddress string

@description('Availability test locations (Application Insights location ids); the /health alert fires when two fail at once.')
@minLength(3)
param availabilityTestLocations string[]

@description('Postback 5xx alert: percent of partner calls answered 5xx in 15 minutes, per partner.')
@minValue(1)
@maxValue(100)
param postback5xxPercent int

@description('Postback 5xx alert: partner calls in 15 minutes below which the rate is not judged.')
@minValue(1)
param postback5xxMinimumPostbacks int

@description('Unauthorized alert: postbacks answered 401 in 15 minutes, per partner and message.')
@minValue(1)
param unauthorizedPostbacksThreshold int

@description('Resync alert: passes of one cohort cut short by their time budget in an hour.')
@minValue(1)
param resyncCutShortThreshold int

@description('Function failure alert: failed executions (exceptions, 5xx, timeouts) in 15 minutes, per function.')
@minValue(1)
param functionFailuresThreshold int

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${nameSuffix}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'cohorts'
    enabled: true
    emailReceivers: empty(alertEmailAddress)
      ? []
      : [
          {
            name: 'on-call'
            emailAddress: alertEmailAddress
            useCommonAlertSchema: true
          }
        ]
  }
}

// A standard test (not the retired URL ping test): GET /health from several regions every 5 minutes, expecting 200
// with {"status":"healthy"} (the app answers 503 "unhealthy" when its tables do not answer) and a valid certificate.
resource healthTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: 'health-${nameSuffix}'
  location: location
  // The portal lists a test under its component only with this tag.
  tags: union(tags, { 'hidden-link:${applicationInsights.id}': 'Resource' })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: 'health-${nameSuffix}'
    Name: 'GET /health'
    Description: 'The app answers /health with 200 while its table storage answers.'
    Enabled: true
    Kind: 'standard'
    Frequency: 300
    Timeout: 30
    RetryEnabled: true
    Locations: map(availabilityTestLocations, id => { Id: id })
    Request: {
      RequestUrl: 'https://${functionAppHostName}/health'
      HttpVerb: 'GET'
      ParseDependentRequests: false
      FollowRedirects: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
      ContentValidation: {
        ContentMatch: '"status":"healthy"'
        IgnoreCase: false
        PassIfTextFound: true
      }
    }
  }
}

resource healthAlert 'Microsoft.Insights/metricAlerts@2026-01-01' = {
  name: 'health-failing-${nameSuffix}'
  location: 'global'
  tags: tags
  properties: {
    description: 'GET /health failed from at least two test locations in 5 minutes: the app is down, unreachable or cannot reach its tables. See docs/operations.md.'
    severity: 1
    enabled: true
    scopes: [
      healthTest.id
      applicationInsights.id
    ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: healthTest.id
      componentId: applicationInsights.id
      failedLocationCount: 2
    }
    autoMitigate: true
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

// Log alerts. Each query (infra/monitoring/alerts/*.kql) aggregates over the rule's window and returns one row per
// dimension combination with the measure the threshold applies to; a row over the threshold is one alert.
var logAlerts = [
  {
    name: 'postback-5xx-rate'
    description: 'A partner\'s postbacks were answered 5xx above the threshold rate: senders retry, and syncs fall behind. See docs/operations.md.'
    severity: 1
    query: 'let minPostbacks = ${postback5xxMinimumPostbacks};\n${loadTextContent('../monitoring/alerts/postback-5xx-rate.kql')}'
    measure: 'failedPercent'
    threshold: postback5xxPercent
    dimensions: ['partner']
    frequency: 'PT5M'
    window: 'PT15M'
  }
  {
    name: 'postbacks-unauthorized'
    description: 'Many postbacks were answered 401: a sender uses an invalidated data import key or a wrong partner API key. See docs/operations.md.'
    severity: 2
    query: loadTextContent('../monitoring/alerts/postbacks-unauthorized.kql')
    measure: 'unauthorized'
    threshold: unauthorizedPostbacksThreshold
    dimensions: ['partner', 'message']
    frequency: 'PT5M'
    window: 'PT15M'
  }
  {
    name: 'cohorts-stale'
    description: 'Cohorts got no postback for more than twice their cadence: the sender may have stopped syncing. See docs/operations.md.'
    severity: 3
    query: loadTextContent('../monitoring/alerts/cohorts-stale.kql')
    measure: 'staleCohorts'
    threshold: 0
    dimensions: ['workspace', 'partner']
    frequency: 'PT15M'
    window: 'PT1H'
  }
  {
    name: 'resync-cut-short'
    description: 'Resync passes were cut short by their time budget again and again: pending identifiers are not keeping up. See docs/operations.md.'
    severity: 3
    query: loadTextContent('../monitoring/alerts/resync-cut-short.kql')
    measure: 'cutShort'
    threshold: resyncCutShortThreshold
    dimensions: ['workspace', 'partner']
    frequency: 'PT15M'
    window: 'PT1H'
  }
  {
    name: 'background-runs-failed'
    description: 'A resync pass or a maintenance run failed for a cohort (the run went on with the others). See docs/operations.md.'
    severity: 2
    query: loadTextContent('../monitoring/alerts/background-runs-failed.kql')
    measure: 'failedRuns'
    threshold: 0
    dimensions: ['metric', 'workspace', 'partner']
    frequency: 'PT15M'
    window: 'PT1H'
  }
  {
    name: 'function-failures'
    description: 'Function executions failed (exception, 5xx or timeout) above the threshold. See docs/operations.md.'
    severity: 1
    query: loadTextContent('../monitoring/alerts/function-failures.kql')
    measure: 'failures'
    threshold: functionFailuresThreshold
    dimensions: ['function']
    frequency: 'PT5M'
    window: 'PT15M'
  }
]

resource logAlertRules 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = [
  for alert in logAlerts: {
    name: '${alert.name}-${nameSuffix}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: 'CohortFunctions: ${alert.name}'
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [
        applicationInsights.id
      ]
      evaluationFrequency: alert.frequency
      windowSize: alert.window
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Maximum'
            metricMeasureColumn: alert.measure
            operator: 'GreaterThan'
            threshold: alert.threshold
            dimensions: map(alert.dimensions, dimension => {
              name: dimension
              operator: 'Include'
              values: ['*']
            })
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      // The custom metrics do not exist until the app has sent them once; the rule must be creatable before that.
      skipQueryValidation: true
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

// The workbook: the charts of docs/operations.md (infra/monitoring/charts/*.kql), over a time range picked on top.
var charts = [
  {
    title: 'Postbacks by outcome (2xx, 4xx by message, 5xx)'
    query: loadTextContent('../monitoring/charts/postbacks-by-outcome.kql')
    visualization: 'timechart'
  }
  {
    title: 'Postbacks by workspace and partner'
    query: loadTextContent('../monitoring/charts/postbacks-by-workspace.kql')
    visualization: 'table'
  }
  {
    title: 'Identifiers of users postbacks, by result'
    query: loadTextContent('../monitoring/charts/postback-ids.kql')
    visualization: 'timechart'
  }
  {
    title: 'Data points recorded, by source'
    query: loadTextContent('../monitoring/charts/data-points.kql')
    visualization: 'barchart'
  }
  {
    title: 'Users postback duration (ms), successful calls'
    query: loadTextContent('../monitoring/charts/postback-duration.kql')
    visualization: 'timechart'
  }
  {
    title: 'Resync runs by trigger and outcome'
    query: loadTextContent('../monitoring/charts/resync-runs.kql')
    visualization: 'timechart'
  }
  {
    title: 'Resync identifiers by result'
    query: loadTextContent('../monitoring/charts/resync-identifiers.kql')
    visualization: 'timechart'
  }
  {
    title: 'Stale cohorts by workspace/partner'
    query: loadTextContent('../monitoring/charts/cohorts-stale.kql')
    visualization: 'timechart'
  }
  {
    title: 'Maintenance runs by outcome'
    query: loadTextContent('../monitoring/charts/maintenance-runs.kql')
    visualization: 'barchart'
  }
  {
    title: 'Storage retries and contention by operation'
    query: loadTextContent('../monitoring/charts/storage-retries-contention.kql')
    visualization: 'timechart'
  }
  {
    title: 'Failed function executions'
    query: loadTextContent('../monitoring/charts/function-failures.kql')
    visualization: 'timechart'
  }
]

var workbookContent = {
  version: 'Notebook/1.0'
  items: concat(
    [
      {
        type: 1
        name: 'introduction'
        content: {
          json: '## CohortFunctions\nPostbacks, resync, maintenance and storage, from the app\'s metrics (meter `CohortFunctions`). What each alert means and what to do: docs/operations.md.'
        }
      }
      {
        type: 9
        name: 'parameters'
        content: {
          version: 'KqlParameterItem/1.0'
          parameters: [
            {
              id: guid('CohortFunctions', 'TimeRange')
              version: 'KqlParameterItem/1.0'
              name: 'TimeRange'
              label: 'Time range'
              type: 4
              isRequired: true
              value: {
                durationMs: 86400000
              }
              typeSettings: {
                selectableValues: [
                  { durationMs: 3600000 }
                  { durationMs: 14400000 }
                  { durationMs: 86400000 }
                  { durationMs: 259200000 }
                  { durationMs: 604800000 }
                  { durationMs: 2592000000 }
                ]
              }
            }
          ]
        }
      }
    ],
    map(range(0, length(charts)), i => {
      type: 3
      name: 'chart-${i}'
      customWidth: '50'
      content: {
        version: 'KqlItem/1.0'
        title: charts[i].title
        query: charts[i].query
        size: 0
        queryType: 0
        resourceType: 'microsoft.insights/components'
        timeContextFromParameter: 'TimeRange'
        visualization: charts[i].visualization
      }
    })
  )
  fallbackResourceIds: [
    applicationInsights.id
  ]
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name must be a GUID; this one is stable per resource group and environment.
  name: guid(resourceGroup().id, 'cohortfunctions-workbook', nameSuffix)
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'CohortFunctions operations (${nameSuffix})'
    category: 'workbook'
    // Lower case: the portal lists a workbook under its component only when the ids match exactly.
    sourceId: toLower(applicationInsights.id)
    serializedData: string(workbookContent)
  }
}

@description('Resource id of the action group, to add receivers (SMS, webhook, ITSM) to.')
output actionGroupId string = actionGroup.id

@description('Resource id of the workbook.')
output workbookId string = workbook.id
