/** A relay that switches the room model's heater. Faults can be injected for tests. */
import type { RoomModel } from "../simulation/room-model.ts";
import type { Clock } from "../time/clock.ts";
import { RelayError } from "./errors.ts";
import type { RelayDriver } from "./relay.ts";

export class SimulatedRelay implements RelayDriver {
  readonly description = "simulated relay";
  readonly canReadBack = true;
  /** When set, writes throw as a failed driver would. */
  failWrites = false;
  /** When set, writes succeed but the line keeps this state, as a welded contact or a dead driver would. */
  stuckAt: boolean | undefined;
  /** Every state written, in order. */
  readonly writes: boolean[] = [];
  private readonly model: RoomModel;
  private readonly clock: Clock;
  private isOpen = false;

  constructor(model: RoomModel, clock: Clock) {
    this.model = model;
    this.clock = clock;
  }

  async open(): Promise<void> {
    this.isOpen = true;
    await this.write(false);
  }

  async write(isOn: boolean): Promise<void> {
    if (this.failWrites) throw new RelayError({ relay: this.description, operation: "write", message: "simulated write failure", code: "EIO" });
    this.writes.push(isOn);
    this.model.setHeater(this.stuckAt ?? isOn, this.clock.monotonicNow());
  }

  async read(): Promise<boolean> {
    return this.model.isHeaterOn;
  }

  forceOffSync(): boolean {
    if (!this.isOpen) return false;
    this.writes.push(false);
    this.model.setHeater(this.stuckAt ?? false, this.clock.monotonicNow());
    return true;
  }

  async close(): Promise<void> {
    if (!this.isOpen) return;
    await this.write(false);
    this.isOpen = false;
  }
}
