
/** Fixed names of AWS observability features (the add-on, Fargate logging, AMP), as AWS documents them. */

/** Container Insights log groups (`/aws/containerinsights/<cluster>/<kind>`), fixed by the add-on. */
export const CONTAINER_INSIGHTS_LOG_KINDS = ["application", "dataplane", "host", "performance"] as const;

/** Where the add-on runs, and as whom (its Fluent Bit DaemonSet uses the same service account). */

/** The Kubernetes user the AMP managed scraper's access entry maps to (AMP user guide). */
export const AMP_SCRAPER_USER = "aps-collector-user";
export const AMP_SCRAPER_ROLE = "aps-collector-role";

/** CloudWatch metric namespaces the alarms read. */
export const METRIC_NAMESPACES = { containerInsights: "ContainerInsights", alb: "AWS/ApplicationELB", dynamodb: "AWS/DynamoDB" } as const;

