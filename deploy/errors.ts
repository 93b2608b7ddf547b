/**
 * Typed errors of the deploy script. Each one carries the fields a person
 * needs to act (option, resource, AWS error code, the fix) and keeps the
 * original error as `cause`. `main` prints `message` and `hint` and exits
 * non-zero, so none of these ever surfaces as a stack trace.
 */

/** Base class: every deploy failure has a one-line message and an optional fix. */
export class DeployError extends Error {
  override name = "DeployError";
  /** What to do about it, printed after the message. */
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }
}

/** A flag, a config-file key or their combination is invalid. */
export class OptionError extends DeployError {
  override name = "OptionError";
  /** The option as the user wrote it, e.g. `--stage` or `stage` in the config file. */
  readonly option: string;
  readonly value: unknown;

  constructor(option: string, value: unknown, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.option = option;
    this.value = value;
  }
}

/** The config file cannot be read or parsed. */
export class ConfigFileError extends DeployError {
  override name = "ConfigFileError";
  readonly path: string;

  constructor(path: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.path = path;
  }
}

/** The local state file cannot be read, parsed or written. */
export class StateFileError extends DeployError {
  override name = "StateFileError";
  readonly path: string;

  constructor(path: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.path = path;
  }
}

/** The SDK found no usable credentials, or AWS rejected them as invalid or expired. */
export class CredentialsError extends DeployError {
  override name = "CredentialsError";
}

/** An AWS call failed for good (after the retries that fit its error). */
export class AwsStepError extends DeployError {
  override name = "AwsStepError";
  /** The resource as printed, e.g. `function thermo-prod`. */
  readonly resource: string;
  /** The IAM action of the call, e.g. `lambda:CreateFunction`. */
  readonly action: string;
  /** The AWS error code (the SDK error's `name`), e.g. `ResourceConflictException`. */
  readonly code: string;

  constructor(fields: { resource: string; action: string; code: string; message: string; hint?: string; cause?: unknown }) {
    super(fields.message, { hint: fields.hint, cause: fields.cause });
    this.resource = fields.resource;
    this.action = fields.action;
    this.code = fields.code;
  }
}

/** AWS denied a call: the identity that runs deploy lacks `action`. */
export class AccessDeniedError extends AwsStepError {
  override name = "AccessDeniedError";
}

/** A resource did not reach the expected state in time, or reached a failed state. */
export class WaitError extends DeployError {
  override name = "WaitError";
  readonly resource: string;
  /** The last status seen, e.g. `Pending` or `CREATING`. */
  readonly lastStatus: string;

  constructor(resource: string, lastStatus: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.resource = resource;
    this.lastStatus = lastStatus;
  }
}

/** An existing resource has a shape deploy cannot change in place (for example the table's keys). */
export class IncompatibleResourceError extends DeployError {
  override name = "IncompatibleResourceError";
  readonly resource: string;

  constructor(resource: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.resource = resource;
  }
}

/** Deleting data needs a typed confirmation or `--yes`, and neither was given. */
export class ConfirmationError extends DeployError {
  override name = "ConfirmationError";
}
