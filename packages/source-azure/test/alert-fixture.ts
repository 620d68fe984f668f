import type { CommonAlert } from '../src/index.js';

// The Common Alert Schema payload the alert tests and the contract suite post.
export const TOKEN: string = 'a-long-shared-secret-0123';
export const TARGET: string =
  '/subscriptions/1111/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1';

// The doc's compact metric alert (reference §8).
export const fired: CommonAlert = {
  schemaId: 'azureMonitorCommonAlertSchema',
  data: {
    essentials: {
      alertId:
        '/subscriptions/1111/providers/Microsoft.AlertsManagement/alerts/b9569717-bc32-442f-add5-83a997729330',
      alertRule: 'HighCPU',
      severity: 'Sev3',
      signalType: 'Metric',
      monitorCondition: 'Fired',
      monitoringService: 'Platform',
      alertTargetIDs: [TARGET],
      configurationItems: ['vm1'],
      originAlertId: '1111_rg_microsoft.insights_metricAlerts_HighCPU_-117781227',
      firedDateTime: '2025-01-01T00:05:00.1234567Z',
      description: '',
      essentialsVersion: '1.0',
      alertContextVersion: '1.0',
    },
    alertContext: {
      properties: null,
      conditionType: 'SingleResourceMultipleMetricCriteria',
      condition: {
        windowSize: 'PT5M',
        allOf: [
          {
            metricName: 'Percentage CPU',
            metricNamespace: 'Microsoft.Compute/virtualMachines',
            operator: 'GreaterThan',
            threshold: '80',
            timeAggregation: 'Average',
            dimensions: [{ name: 'ResourceId', value: '3efad9dc' }],
            metricValue: 91.3,
          },
        ],
        windowStartTime: '2025-01-01T00:00:03.064Z',
        windowEndTime: '2025-01-01T00:05:03.064Z',
      },
    },
    customProperties: { team: 'ops' },
  },
};
