import { Construct } from "constructs";
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmMetricQuery } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { Naming } from "../../facts/naming";
import { type AlarmSpec, serviceAlarmSpecs, type ServiceSignals } from "../../facts/alarms";

export interface ServiceAlarmsProps extends ServiceSignals {
  readonly naming: Naming;
  readonly topicArn: string;
  readonly thresholds: { readonly restarts: number; readonly errorRatePercent: number };
}

/** The alarms of one service as CloudWatch metric-math alarms notifying the topic on alarm and on recovery. */
export class ServiceAlarms extends Construct {
  readonly specs: AlarmSpec[];

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    this.specs = serviceAlarmSpecs(props.naming, props, props.thresholds);
    for (const spec of this.specs) {
      const common = {
        alarmName: spec.name,
        alarmDescription: spec.description,
        comparisonOperator: spec.comparison,
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.evaluationPeriods,
        treatMissingData: spec.treatMissingData,
        actionsEnabled: true,
        alarmActions: [props.topicArn],
        okActions: [props.topicArn],
      };
      const single = Object.keys(spec.metrics).length === 1 && spec.metrics[spec.expression];
      if (single) {
        // One metric read as is: a plain metric alarm, no math.
        new CloudwatchMetricAlarm(scope, `${props.service.name}-${spec.id}`, {
          ...common,
          namespace: single.namespace,
          metricName: single.metricName,
          dimensions: single.dimensions,
          statistic: single.stat,
          period: spec.periodSeconds,
        });
        continue;
      }
      const queries: CloudwatchMetricAlarmMetricQuery[] = [
        ...Object.entries(spec.metrics).map(([qid, m]) => ({
          id: qid,
          returnData: false,
          metric: { namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions, stat: m.stat, period: spec.periodSeconds },
        })),
        { id: "signal", expression: spec.expression, label: spec.description, returnData: true },
      ];
      new CloudwatchMetricAlarm(scope, `${props.service.name}-${spec.id}`, { ...common, metricQuery: queries });
    }
  }
}
