import type { PriceTable } from "../prices";

/**
 * The hand-checked figures of the default price table: US East (N. Virginia), Linux, USD,
 * on-demand. The EC2 instance types are not here: every type's shape and price comes from
 * the extracted instance data (placement/prices/instances.ts, facts/upstream/ec2-instances).
 *
 * Taken on 2026-11-23 from the stored public copies the project's search tool
 * serves (no live page could be fetched). Each figure names its source page;
 * `asOf` is the date the source itself states, and `note` says when a figure
 * could only be confirmed from a secondary copy. Override any of it with your
 * own file: `npx tsx cost/cli.ts --prices my-prices.json`.
 */

export const US_EAST_1: Omit<PriceTable, "ec2"> & { readonly ec2: Omit<PriceTable["ec2"], "instances"> } = {
  region: "us-east-1",
  currency: "USD",
  takenOn: "2026-11-23",
  hoursPerMonth: 730,
  eks: {
    standardSupportHourly: {
      value: 0.1,
      unit: "USD per cluster-hour",
      source: "https://aws.amazon.com/eks/pricing/",
      note: "Confirmed by AWS's extended-support pricing post (aws.amazon.com/blogs/containers/amazon-eks-extended-support-for-kubernetes-versions-pricing): standard support unchanged at $0.10.",
    },
    extendedSupportHourly: {
      value: 0.6,
      unit: "USD per cluster-hour",
      source: "https://aws.amazon.com/blogs/containers/amazon-eks-extended-support-for-kubernetes-versions-pricing/",
      asOf: "2024-04-01",
      note: "Total per cluster-hour for a Kubernetes version in extended support.",
    },
  },
  fargate: {
    x86_64: {
      vcpuHourly: {
        value: 0.04048,
        unit: "USD per vCPU-hour",
        source: "https://aws.amazon.com/fargate/pricing/",
        note: "Linux/x86. The page's ECS example states $0.000011244 per vCPU-second (= $0.0404784/h); $0.04048 is the published hourly rate (also in Vantage's us-east-1 summary).",
      },
      gbHourly: {
        value: 0.004445,
        unit: "USD per GB-hour",
        source: "https://aws.amazon.com/fargate/pricing/",
        note: "Linux/x86; confirmed from a secondary copy (vantage.sh/blog/fargate-pricing), the live rate table renders dynamically.",
      },
    },
    arm64: {
      vcpuHourly: {
        value: 0.03238,
        unit: "USD per vCPU-hour",
        source: "https://aws.amazon.com/fargate/pricing/",
        note: "Linux/ARM (Graviton). The pricing page footnote says ARM is currently only available for Amazon ECS, not EKS; kept for comparison. Confirmed from a secondary copy (vantage.sh).",
      },
      gbHourly: {
        value: 0.00356,
        unit: "USD per GB-hour",
        source: "https://aws.amazon.com/fargate/pricing/",
        note: "Linux/ARM; ECS only (see vcpuHourly). Confirmed from a secondary copy (vantage.sh).",
      },
    },
    ephemeralStorageGbHourly: {
      value: 0.000111,
      unit: "USD per GB-hour above the 20 GB included",
      source: "https://aws.amazon.com/fargate/pricing/",
      note: "Not used by the model: pods here stay within the 20 GB every pod gets.",
    },
  },
  ec2: {
    spotDiscountFraction: {
      value: 0.6,
      unit: "fraction off the on-demand price",
      source: "https://aws.amazon.com/ec2/spot/pricing/",
      note: "ASSUMPTION, not a price: AWS states Spot is up to 90% off on-demand and the real price moves by AZ and hour. 60% is a planning figure; put a per-instance `spotHourly` from your Spot price history in your own price file for real numbers.",
    },
  },
  ebs: {
    gp3GbMonth: {
      value: 0.08,
      unit: "USD per GB-month",
      source: "https://aws.amazon.com/ebs/pricing/",
      note: "Confirmed from secondary copies only; includes the 3,000 IOPS / 125 MiB/s baseline.",
    },
    gp2GbMonth: {
      value: 0.1,
      unit: "USD per GB-month",
      source: "https://aws.amazon.com/ebs/pricing/",
      note: "Confirmed from secondary copies only.",
    },
  },
  natGateway: {
    hourly: {
      value: 0.045,
      unit: "USD per NAT gateway-hour",
      source: "https://aws.amazon.com/vpc/pricing/",
      note: "Confirmed from secondary copies (several 2026 guides agree).",
    },
    dataProcessedPerGb: {
      value: 0.045,
      unit: "USD per GB processed",
      source: "https://aws.amazon.com/vpc/pricing/",
      note: "Usage-priced; internet egress is charged on top.",
    },
  },
  alb: {
    hourly: {
      value: 0.0225,
      unit: "USD per ALB-hour",
      source: "https://aws.amazon.com/elasticloadbalancing/pricing/",
      note: "From the page's us-east-1 pricing example (transcribed copy dated 2026-09-20).",
    },
    lcuHourly: {
      value: 0.008,
      unit: "USD per LCU-hour",
      source: "https://aws.amazon.com/elasticloadbalancing/pricing/",
      note: "Usage-priced: one LCU is 25 new connections/s, 3,000 active connections/min, 1 GB/h processed or 1,000 rule evaluations/s, whichever is highest.",
    },
  },
  publicIpv4: {
    hourly: {
      value: 0.005,
      unit: "USD per public IPv4 address-hour",
      source: "https://aws.amazon.com/vpc/pricing/",
      asOf: "2024-02-01",
      note: "Charged since 2024-02-01 on every AWS-provided public IPv4 address, including those of NAT gateways and load balancers (aws.amazon.com/blogs/aws/new-aws-public-ipv4-address-charge-public-ip-insights/).",
    },
  },
  dataTransfer: {
    internetOutPerGb: {
      value: 0.09,
      unit: "USD per GB out to the internet (first 10 TB/month)",
      source: "https://aws.amazon.com/ec2/pricing/on-demand/",
      note: "Usage-priced; the first 100 GB per month are free. Confirmed from secondary copies only.",
    },
  },
  cloudwatchLogs: {
    ingestPerGb: {
      value: 0.5,
      unit: "USD per GB ingested (standard class)",
      source: "https://aws.amazon.com/cloudwatch/pricing/",
      note: "Usage-priced. Confirmed from secondary copies.",
    },
    storageGbMonth: {
      value: 0.03,
      unit: "USD per GB-month stored",
      source: "https://aws.amazon.com/cloudwatch/pricing/",
      note: "AWS bills stored bytes after compression; the model uses ingested GiB as an upper bound.",
    },
  },
  privateCa: {
    generalPurposeMonthly: {
      value: 400,
      unit: "USD per private CA-month (general-purpose mode)",
      source: "https://aws.amazon.com/private-ca/pricing/",
      note: "Read 2026-11-30 from the search tool's stored copy of the page (it states no date). Pro-rated by the hour until the CA is deleted; the first CA per account and region is free for 30 days. Short-lived certificate mode costs $50 but issues only certificates valid up to 7 days, which ACM-managed certificates (what App Mesh uses) are not.",
    },
    certificateEach: {
      value: 0.75,
      unit: "USD per private certificate (first 1,000 in a month)",
      source: "https://aws.amazon.com/private-ca/pricing/",
      note: "One-time, not monthly: a certificate requested through ACM is charged the first time it is exported, which each Envoy does for its virtual node's certificate. $0.35 each from 1,001 to 10,000 a month.",
    },
  },
  waf: {
    webAclMonthly: {
      value: 5,
      unit: "USD per web ACL-month",
      source: "https://aws.amazon.com/waf/pricing/",
      note: "Pro-rated by the hour. Confirmed 2026-11-30 from secondary copies only (c3x.dev, awsnegotiations.com): the live page renders prices dynamically.",
    },
    ruleMonthly: {
      value: 1,
      unit: "USD per rule-month (a managed rule group counts as one rule)",
      source: "https://aws.amazon.com/waf/pricing/",
      note: "AWS managed rule groups of the baseline and IP reputation sets carry no subscription fee beyond this. Confirmed from secondary copies only.",
    },
    requestsPerMillion: {
      value: 0.6,
      unit: "USD per million requests inspected",
      source: "https://aws.amazon.com/waf/pricing/",
      note: "Usage-priced: blocked requests count too. Confirmed from secondary copies only.",
    },
  },
  dynamodb: {
    storageGbMonth: {
      value: 0.25,
      unit: "USD per GB-month (standard table class)",
      source: "https://aws.amazon.com/dynamodb/pricing/",
    },
    freeStorageGb: {
      value: 25,
      unit: "GB-month free per region",
      source: "https://aws.amazon.com/dynamodb/pricing/",
    },
    writeRequestsPerMillion: {
      value: 0.625,
      unit: "USD per million write request units (on-demand)",
      source: "https://aws.amazon.com/dynamodb/pricing/on-demand/",
      note: "Usage-priced; the rate after the November 2024 on-demand price cut, confirmed from secondary copies only.",
    },
    readRequestsPerMillion: {
      value: 0.125,
      unit: "USD per million read request units (on-demand)",
      source: "https://aws.amazon.com/dynamodb/pricing/on-demand/",
      note: "Usage-priced; confirmed from secondary copies only.",
    },
  },
};
