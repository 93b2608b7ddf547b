/** Errors of the relay drivers. */

/** A relay operation failed; heating must stop and the process exit non-zero. */
export class RelayError extends Error {
  override readonly name = "RelayError";
  /** The relay, as its driver describes it. */
  readonly relay: string;
  /** The operation that failed: `open`, `write`, `read`, `close`. */
  readonly operation: string;
  /** errno name when the kernel reported one. */
  readonly code: string | undefined;

  constructor(options: { relay: string; operation: string; message: string; code?: string; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.relay = options.relay;
    this.operation = options.operation;
    this.code = options.code;
  }
}

/** Hints for errno values a GPIO line request or write commonly returns. */
export const ERRNO_HINTS: Readonly<Record<string, string>> = Object.freeze({
  EACCES: "permission denied; run as root or add the user to the gpio group",
  EBUSY: "the line is in use by a kernel driver (dht11, w1-gpio, …), a sysfs export or another process",
  EINVAL: "the kernel rejected the request (wrong line number or flags)",
  EPERM: "the line is not configured as an output",
  ENODEV: "the GPIO chip went away",
  ENOENT: "the device node does not exist",
});
