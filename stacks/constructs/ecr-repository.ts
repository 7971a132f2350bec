import { Construct } from "constructs";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";

export interface WorkloadRepositoryProps {
  /** Full repository name, e.g. `eksmesh-dev/frontend`. */
  readonly name: string;
  /** Customer-managed key that encrypts the images. */
  readonly kmsKeyArn: string;
  /** Images kept; older ones expire. */
  readonly keepImages: number;
}

/**
 * An ECR repository for a catalog image: scanned on push, IMMUTABLE tags (a tag always
 * means the same image, so a Deployment's image never changes under it), KMS-encrypted,
 * and a lifecycle policy that keeps the last `keepImages` images.
 */
export class WorkloadRepository extends Construct {
  readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: WorkloadRepositoryProps) {
    super(scope, id);
    this.repository = new EcrRepository(this, "repository", {
      name: props.name,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.kmsKeyArn }],
    });
    this.repository.overrideLogicalId(id);
    new EcrLifecyclePolicy(this, "lifecycle", {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Keep the last ${props.keepImages} images`,
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: props.keepImages },
            action: { type: "expire" },
          },
        ],
      }),
    }).overrideLogicalId(`${id}-lifecycle`);
  }
}
