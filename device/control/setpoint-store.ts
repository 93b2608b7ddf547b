/**
 * Keeps the setpoint across restarts in the device database. A setpoint set
 * through the local API or the cloud's desired state wins over the file's
 * `setpoint` until someone edits the file: the saved record remembers the
 * configured value it replaced, and a different configured value wins.
 */
import type { Database } from "bun:sqlite";
import { z } from "zod";
import type { Unit } from "../../schema.ts";
import { readState, writeState } from "../outbox/database.ts";
import { convertTemperature } from "./units.ts";

const SETPOINT_KEY = "setpoint";

export const SETPOINT_SOURCES = { config: "config", localApi: "local_api", cloud: "cloud" } as const;
export type SetpointSource = (typeof SETPOINT_SOURCES)[keyof typeof SETPOINT_SOURCES];

const savedSetpointSchema = z.object({
  setpoint: z.number(),
  unit: z.enum(["F", "C"]),
  source: z.enum(["config", "local_api", "cloud"]),
  /** The configured setpoint when this one was saved. */
  config_setpoint: z.number(),
  saved_at_ms: z.number(),
  /** `updated_at` of the last desired state applied from the cloud, so each is applied once. */
  desired_updated_at: z.string().optional(),
});
export type SavedSetpoint = z.infer<typeof savedSetpointSchema>;

export class SetpointStore {
  private readonly db: Database;
  private readonly configSetpoint: number;
  private readonly unit: Unit;

  constructor(options: { db: Database; configSetpoint: number; unit: Unit }) {
    this.db = options.db;
    this.configSetpoint = options.configSetpoint;
    this.unit = options.unit;
  }

  private readSaved(): SavedSetpoint | undefined {
    const text = readState(this.db, SETPOINT_KEY);
    if (text === undefined) return undefined;
    try {
      const parsed = savedSetpointSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** Returns the setpoint to start with and where it came from. */
  load(): { setpoint: number; source: SetpointSource; desiredUpdatedAt: string | undefined } {
    const saved = this.readSaved();
    if (saved === undefined || saved.config_setpoint !== this.configSetpoint) {
      return { setpoint: this.configSetpoint, source: SETPOINT_SOURCES.config, desiredUpdatedAt: saved?.desired_updated_at };
    }
    const setpoint = Math.round(convertTemperature(saved.setpoint, saved.unit, this.unit));
    return { setpoint, source: saved.source, desiredUpdatedAt: saved.desired_updated_at };
  }

  /** Saves a setpoint in the device's unit. */
  save(options: { setpoint: number; source: SetpointSource; nowMs: number; desiredUpdatedAt?: string }): void {
    const previous = this.readSaved();
    const record: SavedSetpoint = {
      setpoint: options.setpoint,
      unit: this.unit,
      source: options.source,
      config_setpoint: this.configSetpoint,
      saved_at_ms: options.nowMs,
      desired_updated_at: options.desiredUpdatedAt ?? previous?.desired_updated_at,
    };
    writeState(this.db, SETPOINT_KEY, JSON.stringify(record));
  }
}
