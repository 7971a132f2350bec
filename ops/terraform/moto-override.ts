/**
 * The provider override that points a stack's copy at the local AWS. Terraform merges a
 * `*_override.tf.json` file into the stack's own provider block, so the stack's region and
 * default tags stay as synthesized and only connection settings change. It is written into
 * the copy only; cdktf.out never carries it.
 */

export const OVERRIDE_FILE = "local_aws_override.tf.json";

/** moto accepts any credentials; these make it obvious in a log that nothing is real. */
export const FAKE_CREDENTIALS = { access_key: "testing", secret_key: "testing" } as const;

export function motoProviderOverride(services: readonly string[], endpointUrl: string): Record<string, unknown> {
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(endpointUrl)) {
    // The harness only ever talks to a server it started on this machine.
    throw new Error(`local AWS endpoint must be http://127.0.0.1:<port>, got ${endpointUrl}`);
  }
  const endpoints: Record<string, string> = {};
  for (const service of [...services].sort()) endpoints[service] = endpointUrl;
  return {
    provider: {
      aws: {
        ...FAKE_CREDENTIALS,
        // No real account: do not validate the keys, ask EC2 metadata or check the region list.
        skip_credentials_validation: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        // Without an account ID the S3 bucket's tags are read with GetBucketTagging; with one,
        // provider 6.x asks S3 Control first, whose account-prefixed host cannot be pointed
        // at 127.0.0.1. Data sources still ask moto's STS who the caller is.
        skip_requesting_account_id: true,
        s3_use_path_style: true,
        // Fail fast on an API moto lacks instead of retrying for minutes.
        max_retries: 2,
        endpoints: [endpoints],
      },
    },
  };
}
