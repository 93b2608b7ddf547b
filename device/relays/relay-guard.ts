/**
 * Wraps a relay driver with the checks every switch needs: the state is read
 * back after each change where the driver allows it, and the time of the last
 * change is kept for the controller's minimum on and off times. Any failure is
 * a RelayError, which the caller treats as fatal to heating.
 */
import type { Logger } from "../../lib/log.ts";
import type { Clock } from "../time/clock.ts";
import { RelayError } from "./errors.ts";
import type { RelayDriver } from "./relay.ts";

export interface RelayGuardOptions {
  driver: RelayDriver;
  clock: Clock;
  logger: Logger;
}

export class RelayGuard {
  private readonly driver: RelayDriver;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private state = false;
  private changedAtMs: number;

  constructor(options: RelayGuardOptions) {
    this.driver = options.driver;
    this.clock = options.clock;
    this.logger = options.logger;
    this.changedAtMs = options.clock.monotonicNow();
  }

  /** Whether the heater is on, as last written and verified. */
  get isOn(): boolean {
    return this.state;
  }

  /** When the state last changed (or the relay was opened), on the clock's monotonic time. */
  get sinceMs(): number {
    return this.changedAtMs;
  }

  get description(): string {
    return this.driver.description;
  }

  private async verify(expected: boolean, operation: string): Promise<void> {
    if (!this.driver.canReadBack) return;
    const actual = await this.driver.read();
    if (actual !== expected) {
      throw new RelayError({
        relay: this.driver.description,
        operation,
        message: `relay reads ${actual ? "on" : "off"} after being switched ${expected ? "on" : "off"}; check the wiring and the relay_active_low setting`,
      });
    }
  }

  /**
   * Claims the line with the relay off and checks that it reads off.
   * @throws {RelayError} when the line cannot be claimed or does not read off
   */
  async open(): Promise<void> {
    await this.driver.open();
    await this.verify(false, "open");
    this.state = false;
    this.changedAtMs = this.clock.monotonicNow();
    this.logger.info("relay_opened", { relay: this.driver.description, on: false });
  }

  /**
   * Switches the relay and reads it back.
   * @throws {RelayError} when the write fails or the read-back differs
   */
  async set(isOn: boolean, reason: string): Promise<void> {
    if (isOn === this.state) return;
    await this.driver.write(isOn);
    await this.verify(isOn, "write");
    const previousSinceMs = this.changedAtMs;
    this.state = isOn;
    this.changedAtMs = this.clock.monotonicNow();
    this.logger.info("relay_switched", { relay: this.driver.description, on: isOn, reason, previous_state_s: Math.round((this.changedAtMs - previousSinceMs) / 1000) });
  }

  /** Drives the relay off without waiting; for exit paths. Returns whether the driver could. */
  forceOffSync(): boolean {
    const isDone = this.driver.forceOffSync();
    if (isDone) this.state = false;
    return isDone;
  }

  /** Drives the relay off and releases the line. */
  async close(): Promise<void> {
    await this.driver.close();
    this.state = false;
    this.logger.info("relay_closed", { relay: this.driver.description, on: false });
  }
}
