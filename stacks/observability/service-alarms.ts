import { Construct } from "constructs";
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmMetricQuery } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { Naming } from "../naming";
import { type AlarmSpec, serviceAlarmSpecs, type ServiceSignals } from "./alarm-specs";

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
      const queries: CloudwatchMetricAlarmMetricQuery[] = [
        ...Object.entries(spec.metrics).map(([qid, m]) => ({
          id: qid,
          returnData: false,
          metric: { namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions, stat: m.stat, period: spec.periodSeconds },
        })),
        { id: "signal", expression: spec.expression, label: spec.description, returnData: true },
      ];
      new CloudwatchMetricAlarm(scope, `${props.service.name}-${spec.id}`, {
        alarmName: spec.name,
        alarmDescription: spec.description,
        comparisonOperator: spec.comparison,
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.evaluationPeriods,
        treatMissingData: spec.treatMissingData,
        metricQuery: queries,
        actionsEnabled: true,
        alarmActions: [props.topicArn],
        okActions: [props.topicArn],
      });
    }
  }
}
