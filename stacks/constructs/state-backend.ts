import { DataTerraformRemoteStateLocal, DataTerraformRemoteStateS3, LocalBackend, S3Backend, type TerraformRemoteState, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { StateSettings } from "../../config/schema";
import { EMPTY_STATE_FILE } from "../synth/plan-stand-ins";

/**
 * Terraform runs each stack inside `cdktf.out/stacks/<stack>/`, three levels below the
 * project root, and resolves a local backend's relative path from there. Writing the path
 * relative to that folder keeps cdk.tf.json free of this machine's absolute paths
 * (cdktf's own default is `process.cwd()` + file name).
 */
export const STACK_DIR_TO_PROJECT_ROOT = "../../..";

/** Where a stack's state lives, as a user would name it (project-relative or s3 URL). */
export function stateLocation(state: StateSettings, environment: string, stack: string): string {
  return state.backend === "local"
    ? `${state.directory}/${environment}/${stack}.tfstate`
    : `s3://${state.bucket}/${s3Key(state.keyPrefix, environment, stack)}`;
}

function s3Key(prefix: string, environment: string, stack: string): string {
  return `${prefix}/${environment}/${stack}.tfstate`;
}

function localPath(directory: string, environment: string, stack: string): string {
  return `${STACK_DIR_TO_PROJECT_ROOT}/${directory}/${environment}/${stack}.tfstate`;
}

/** Declares the stack's own backend from the config. */
export function configureBackend(stack: TerraformStack, stackName: string, state: StateSettings, environment: string): void {
  if (state.backend === "local") {
    new LocalBackend(stack, { path: localPath(state.directory, environment, stackName) });
    return;
  }
  const backend = new S3Backend(stack, {
    bucket: state.bucket,
    key: s3Key(state.keyPrefix, environment, stackName),
    region: state.region,
    encrypt: true,
    kmsKeyId: state.kmsKeyArn,
    dynamodbTable: state.dynamodbTable,
  });
  // S3 native state locking (Terraform >= 1.10); cdktf 0.21's bindings predate the field.
  backend.addOverride("use_lockfile", true);
}

/**
 * Reads another stack's state through the same backend that stack writes with, so a
 * local producer is never read from S3 or the other way round. `standIns` (pull-request
 * plans only, see plan-stand-ins.ts) adds Terraform's `defaults`, and reads an upstream
 * that has no state yet from an empty state file.
 */
export function remoteState(scope: Construct, fromStack: string, state: StateSettings, environment: string, standIns?: { defaults: Record<string, unknown>; unapplied: boolean }): TerraformRemoteState {
  const id = `remote-state-${fromStack}`;
  const defaults = standIns?.defaults;
  if (standIns?.unapplied) {
    return new DataTerraformRemoteStateLocal(scope, id, { path: `${STACK_DIR_TO_PROJECT_ROOT}/${EMPTY_STATE_FILE}`, defaults });
  }
  if (state.backend === "local") {
    return new DataTerraformRemoteStateLocal(scope, id, { path: localPath(state.directory, environment, fromStack), defaults });
  }
  return new DataTerraformRemoteStateS3(scope, id, {
    defaults,
    bucket: state.bucket,
    key: s3Key(state.keyPrefix, environment, fromStack),
    region: state.region,
    encrypt: true,
    kmsKeyId: state.kmsKeyArn,
  });
}
