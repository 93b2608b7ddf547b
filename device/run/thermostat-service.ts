/**
 * `thermo run`: reads the sensor every poll interval, commits each accepted
 * reading to the outbox, decides with the controller, switches the relay, and
 * uploads in the background. The relay is driven off at start, on stop and on
 * every fatal error. A relay failure ends the service with a non-zero code, so
 * systemd restarts it.
 */
import type { Database } from "bun:sqlite";
import type { Logger } from "../../lib/log.ts";
import type { DesiredState, Unit, WireReading } from "../../schema.ts";
import { formatZonedRfc3339 } from "../../time/zoned-rfc3339.ts";
import type { DeviceConfig } from "../config/load.ts";
import { Controller } from "../control/controller.ts";
import { SAFETY_REASONS, type Decision } from "../control/decision.ts";
import { controlSettingsFromConfig } from "../control/settings.ts";
import { SetpointStore, SETPOINT_SOURCES, type SetpointSource } from "../control/setpoint-store.ts";
import { checkSetpoint, fromCelsius, type SetpointCheck } from "../control/units.ts";
import { Outbox } from "../outbox/outbox.ts";
import { UploadLoop } from "../outbox/upload-loop.ts";
import { Uploader } from "../outbox/uploader.ts";
import { RelayGuard } from "../relays/relay-guard.ts";
import type { RelayDriver } from "../relays/relay.ts";
import { PlausibilityFilter } from "../sensors/plausibility.ts";
import { readWithRetries } from "../sensors/read-with-retries.ts";
import type { Sensor } from "../sensors/sensor.ts";
import type { Clock } from "../time/clock.ts";
import { buildStatus } from "./build-status.ts";
import { EXIT_CODES } from "./exit-codes.ts";
import { createSensorHealth } from "./sensor-health.ts";
import type { DeviceStatus } from "../api/status.ts";

export interface ThermostatServiceOptions {
  config: DeviceConfig;
  clock: Clock;
  logger: Logger;
  sensor: Sensor;
  relay: RelayDriver;
  /** The device database, or undefined when it could not be opened; heating then goes on without history. */
  db: Database | undefined;
  /** The error that left `db` undefined, for the log and the status. */
  databaseError?: unknown;
  /** Opens the database again while `db` is unavailable, every upload interval. The service closes a database it opened this way. */
  openDatabase?: () => Database;
  version: string;
  fetch?: typeof fetch;
  /** Runs a full garbage collection. @default a synchronous Bun.gc(true) */
  collectGarbage?: () => void;
}

/**
 * Sensor polls between full garbage collections: an hour at the default 15 s
 * poll interval. Between JavaScriptCore's own collections the garbage of
 * readings and uploads piles up. In a compiled `thermo run` at 2880× speed the
 * anonymous memory climbed from about 12 to 22 MiB before each drop, and
 * stayed at about 10 MiB with this collection (x64; the simulated day of
 * bench/device-binary.ts shows the same).
 */
export const POLLS_PER_GARBAGE_COLLECTION = 240;

/** Wall-clock steps larger than this are logged, in ms. Smaller ones are NTP corrections of a clock that was already close. */
export const WALL_CLOCK_STEP_LOG_MS = 5_000;

/** The newest accepted reading, in the device's unit. */
export interface AcceptedReading {
  temperature: number;
  humidity: number | undefined;
  /** Wall-clock ms since the epoch, for the reading's timestamp. */
  atMs: number;
  /** Monotonic ms, for its age. */
  atMonotonicMs: number;
}

export class ThermostatService {
  /** Resolves with the process exit code once the service has stopped. */
  readonly exited: Promise<number>;
  readonly relay: RelayGuard;
  readonly controller: Controller;
  private readonly options: ThermostatServiceOptions;
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private readonly filter: PlausibilityFilter;
  private setpoints: SetpointStore | undefined;
  private readonly sensorHealth = createSensorHealth();
  private uploadLoop: UploadLoop | undefined;
  private outboxInUse: Outbox | undefined;
  /** The error that kept the database from opening, while it is unavailable. */
  private databaseError: unknown;
  /** A database the service opened itself after start, closed on stop. */
  private ownedDb: Database | undefined;
  private readonly startedAtMs: number;
  private resolveExit!: (code: number) => void;
  private latest: AcceptedReading | undefined;
  private lastDecision: Decision | undefined;
  private setpointSource: SetpointSource;
  private appliedDesiredUpdatedAt: string | undefined;
  private decisionChain: Promise<void> = Promise.resolve();
  private loops: Promise<unknown>[] = [];
  private stopping: Promise<void> | undefined;
  /** Readings the outbox failed to commit since the last line about them, and when that line was written; undefined while commits succeed. */
  private appendFailures: { count: number; loggedAtMs: number } | undefined;
  private pollsSinceCollection = 0;
  /** Wall clock minus monotonic clock at the last poll, to notice steps of the wall clock. */
  private wallOffsetMs: number | undefined;

  constructor(options: ThermostatServiceOptions) {
    const { config, clock, logger, db } = options;
    this.options = options;
    this.log = logger;
    this.startedAtMs = clock.monotonicNow();
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    this.relay = new RelayGuard({ driver: options.relay, clock, logger: logger.child({}, "relay") });
    this.filter = new PlausibilityFilter(options.sensor.rangeC);
    this.setpointSource = SETPOINT_SOURCES.config;
    this.controller = new Controller(controlSettingsFromConfig(config, config.setpoint));
    if (db === undefined) this.databaseError = options.databaseError ?? new Error("the database has not been opened");
    else this.attachDatabase(db);
  }

  /** The outbox, or undefined while the database is unavailable. */
  get outbox(): Outbox | undefined {
    return this.outboxInUse;
  }

  /** Builds the outbox, setpoint store and uploader on an open database. */
  private attachDatabase(db: Database): Outbox {
    const { config, clock, logger } = this.options;
    const outbox = new Outbox({ db, maxReadings: config.outbox_max_readings, clock, logger: logger.child({}, "outbox") });
    this.setpoints = new SetpointStore({ db, configSetpoint: config.setpoint, unit: config.unit });
    if (this.setpointSource === SETPOINT_SOURCES.config) {
      const saved = this.setpoints.load();
      this.appliedDesiredUpdatedAt = saved.desiredUpdatedAt;
      // A saved setpoint was checked against the cut-off in force when it was set; the file's cut-off may be lower now.
      const check = checkSetpoint({ value: saved.setpoint, unit: config.unit, deviceUnit: config.unit, overTempCutoff: config.over_temp_cutoff, hotTolerance: config.hot_tolerance_deg });
      if (check.ok) {
        this.setpointSource = saved.source;
        this.controller.setSetpoint(check.setpoint);
      } else {
        logger.warn("saved_setpoint_rejected", { setpoint: saved.setpoint, source: saved.source, reason: check.message, setpoint_in_force: config.setpoint });
      }
    } else {
      // A setpoint changed while the database was unavailable wins over the saved one.
      this.setpoints.save({ setpoint: this.controller.setpoint, source: this.setpointSource, nowMs: clock.now(), desiredUpdatedAt: this.appliedDesiredUpdatedAt });
    }
    this.outboxInUse = outbox;
    this.databaseError = undefined;

    if (config.api_url !== undefined && config.ingest_token !== undefined) {
      const uploader = new Uploader({
        outbox,
        apiUrl: config.api_url,
        token: config.ingest_token,
        deviceId: config.device_id,
        batchSize: config.upload_batch_size,
        requestTimeoutMs: config.request_timeout_s * 1000,
        clock,
        logger: logger.child({}, "uploader"),
        onDesired: (desired) => this.applyDesired(desired),
        fetch: this.options.fetch,
      });
      this.uploadLoop = new UploadLoop({ uploader, clock, logger: logger.child({}, "uploader"), intervalMs: config.upload_interval_s * 1000, signal: this.abort.signal });
    }
    return outbox;
  }

  private startUploadLoop(): void {
    if (this.uploadLoop === undefined) return;
    this.loops.push(this.uploadLoop.run().catch((error: unknown) => this.fail(error, EXIT_CODES.crash)));
  }

  /** Opens the database every upload interval while it is unavailable, then starts committing and uploading. */
  private async runDatabaseRetry(): Promise<void> {
    const { clock, config, openDatabase } = this.options;
    if (openDatabase === undefined) return;
    while (this.outboxInUse === undefined && !this.abort.signal.aborted) {
      await clock.sleep(config.upload_interval_s * 1000, this.abort.signal).catch(() => undefined);
      if (this.abort.signal.aborted) return;
      let db: Database;
      try {
        db = openDatabase();
      } catch (error) {
        // Reported with the lost readings in commitReading, once per upload interval.
        this.databaseError = error;
        this.log.debug("database_open_failed", { error });
        continue;
      }
      this.ownedDb = db;
      const outbox = this.attachDatabase(db);
      this.log.info("database_opened", { data_dir: config.data_dir, outbox_depth: outbox.depth, setpoint: this.controller.setpoint, setpoint_source: this.setpointSource });
      this.queueDecision("database_opened");
      this.startUploadLoop();
    }
  }

  /**
   * Drives the relay off and starts the loops.
   * @throws {RelayError} when the relay cannot be claimed; nothing has started then
   */
  async start(): Promise<void> {
    const { config } = this.options;
    await this.relay.open();
    this.log.info("thermostat_started", {
      relay: this.relay.description,
      relay_bcm: config.relay_bcm,
      relay_header_pin: config.relay_header_pin,
      sensor: this.options.sensor.description,
      setpoint: this.controller.setpoint,
      setpoint_source: this.setpointSource,
      unit: config.unit,
      outbox_depth: this.outboxInUse?.depth ?? null,
    });
    if (this.outboxInUse === undefined) {
      this.log.error("outbox_unavailable", { data_dir: config.data_dir, error: this.databaseError, retry_s: this.options.openDatabase === undefined ? null : config.upload_interval_s });
    }
    const hasUploads = config.api_url !== undefined && config.ingest_token !== undefined;
    if (!hasUploads) this.log.warn("uploads_disabled", { reason: "api_url is not set; readings stay in the outbox" });

    this.loops = [this.runSensorLoop(), this.runWatchdog(), this.runDatabaseRetry()];
    this.startUploadLoop();
  }

  /** Stops the loops, drives the relay off and releases it. Safe to call more than once. */
  stop(reason: string, exitCode: number = EXIT_CODES.ok): Promise<void> {
    this.stopping ??= this.shutdown(reason, exitCode);
    return this.stopping;
  }

  /** Drives the relay off without waiting, for exit paths that cannot await. */
  forceRelayOffSync(): boolean {
    return this.relay.forceOffSync();
  }

  private async shutdown(reason: string, exitCode: number): Promise<void> {
    this.abort.abort(new Error(`stopping: ${reason}`));
    await Promise.allSettled(this.loops);
    await this.decisionChain.catch(() => undefined);
    let code = exitCode;
    try {
      await this.relay.close();
    } catch (error) {
      this.log.error("relay_off_failed", { error });
      code = code === EXIT_CODES.ok ? EXIT_CODES.relayFailure : code;
    }
    this.log.info("thermostat_stopped", { reason, exit_code: code, outbox_depth: this.outboxInUse?.depth ?? null });
    this.ownedDb?.close();
    this.resolveExit(code);
  }

  /** Ends the service after an error that makes heating unsafe. */
  private fail(error: unknown, exitCode: number): void {
    if (this.stopping !== undefined) return;
    this.log.error(exitCode === EXIT_CODES.relayFailure ? "relay_failed" : "thermostat_failed", { error });
    const isOff = this.relay.forceOffSync();
    if (!isOff) this.log.warn("relay_force_off_unavailable", { relay: this.relay.description });
    void this.stop(`fatal: ${error instanceof Error ? error.message : String(error)}`, exitCode);
  }

  /** Polls on the monotonic clock, so wall-clock steps neither pause polling nor cause a burst of catch-up polls. */
  private async runSensorLoop(): Promise<void> {
    const { clock, config } = this.options;
    const pollMs = config.poll_interval_s * 1000;
    let nextMs = clock.monotonicNow();
    while (!this.abort.signal.aborted) {
      this.logWallClockStep();
      await this.takeReading(pollMs);
      this.collectGarbageWhenDue();
      nextMs = Math.max(nextMs + pollMs, clock.monotonicNow());
      await clock.sleep(nextMs - clock.monotonicNow(), this.abort.signal).catch(() => undefined);
    }
  }

  /** Logs a step of the wall clock, because reading timestamps jump with it while control goes on unaffected. */
  private logWallClockStep(): void {
    const { clock } = this.options;
    const offsetMs = clock.now() - clock.monotonicNow();
    const previousMs = this.wallOffsetMs;
    this.wallOffsetMs = offsetMs;
    if (previousMs === undefined || Math.abs(offsetMs - previousMs) <= WALL_CLOCK_STEP_LOG_MS) return;
    this.log.warn("wall_clock_stepped", { step_s: Math.round((offsetMs - previousMs) / 1000), now: new Date(clock.now()).toISOString() });
  }

  private async takeReading(pollMs: number): Promise<void> {
    const { clock, config, sensor } = this.options;
    const health = this.sensorHealth;
    let sample;
    try {
      sample = await readWithRetries(sensor, { clock, budgetMs: Math.floor(pollMs * 0.8), logger: this.log, signal: this.abort.signal, readTimeoutMs: Math.max(5000, sensor.minIntervalMs * 2) });
    } catch (error) {
      if (this.abort.signal.aborted) return;
      health.consecutiveFailures++;
      health.lastError = error instanceof Error ? error.message : String(error);
      health.isLatestAccepted = false;
      this.log.warn("sensor_read_failed", { sensor: sensor.description, code: (error as { code?: string }).code, error, consecutive_failures: health.consecutiveFailures });
      this.queueDecision("sensor_failed");
      return;
    }

    const atMs = clock.now();
    const atMonotonicMs = clock.monotonicNow();
    const check = this.filter.check(sample, atMonotonicMs);
    if (!check.ok) {
      health.rejectedTotal++;
      health.lastRejection = check.message;
      health.isLatestAccepted = false;
      this.log.warn("reading_rejected", { sensor: sensor.description, reason: check.reason, message: check.message });
      this.queueDecision("reading_rejected");
      return;
    }
    health.consecutiveFailures = 0;
    health.lastError = undefined;
    health.isLatestAccepted = true;

    const temperature = Math.round(fromCelsius(sample.temperatureC, config.unit) * 1000) / 1000;
    const humidity = sample.humidityPercent === undefined ? undefined : Math.round(sample.humidityPercent * 10) / 10;
    this.latest = { temperature, humidity, atMs, atMonotonicMs };
    this.commitReading(this.latest);
    this.queueDecision("reading");
  }

  private collectGarbageWhenDue(): void {
    this.pollsSinceCollection++;
    if (this.pollsSinceCollection < POLLS_PER_GARBAGE_COLLECTION) return;
    this.pollsSinceCollection = 0;
    const startedMs = performance.now();
    if (this.options.collectGarbage === undefined) Bun.gc(true);
    else this.options.collectGarbage();
    this.log.debug("garbage_collected", { ms: Math.round((performance.now() - startedMs) * 10) / 10 });
  }

  /** Commits the reading with the relay state at the moment it was taken. */
  private commitReading(reading: AcceptedReading): void {
    const { config } = this.options;
    const wire: WireReading = {
      record_date: formatZonedRfc3339(reading.atMs, config.zone),
      thermostat_on: this.relay.isOn,
      temperature: reading.temperature,
      thermostat_value: this.controller.setpoint,
      device_id: config.device_id,
      unit: config.unit,
    };
    if (reading.humidity !== undefined) wire.humidity = reading.humidity;
    try {
      if (this.outboxInUse === undefined) throw new Error("outbox unavailable: the database could not be opened", { cause: this.databaseError });
      this.outboxInUse.append(wire, reading.atMs);
    } catch (error) {
      // Heating goes on without history. A full or read-only disk fails every poll, so one line per
      // upload interval reports how many readings were lost, enough for someone to free the disk.
      const nowMs = this.options.clock.monotonicNow();
      const failures = this.appendFailures ?? { count: 0, loggedAtMs: Number.NEGATIVE_INFINITY };
      failures.count++;
      this.appendFailures = failures;
      if (nowMs - failures.loggedAtMs >= config.upload_interval_s * 1000) {
        this.log.error("outbox_append_failed", { record_date: wire.record_date, readings_lost: failures.count, error });
        failures.count = 0;
        failures.loggedAtMs = nowMs;
      }
      return;
    }
    if (this.appendFailures !== undefined) {
      this.log.info("outbox_append_recovered", { readings_lost: this.appendFailures.count });
      this.appendFailures = undefined;
    }
  }

  /** Runs the stale-sensor cut-off: one scheduled recheck at the moment the newest reading goes stale. */
  private async runWatchdog(): Promise<void> {
    const { clock, config } = this.options;
    const staleMs = config.stale_after_s * 1000;
    while (!this.abort.signal.aborted) {
      const deadlineMs = (this.latest?.atMonotonicMs ?? clock.monotonicNow()) + staleMs + 1;
      const waitMs = deadlineMs - clock.monotonicNow();
      if (waitMs <= 0) {
        if (this.relay.isOn) this.queueDecision("watchdog");
        await clock.sleep(Math.min(staleMs, 1000), this.abort.signal).catch(() => undefined);
        continue;
      }
      await clock.sleep(waitMs, this.abort.signal).catch(() => undefined);
    }
  }

  /** Runs one decision at a time, in order. */
  private queueDecision(trigger: string): void {
    this.decisionChain = this.decisionChain.then(() => this.decide(trigger)).catch((error: unknown) => this.fail(error, EXIT_CODES.relayFailure));
  }

  private async decide(trigger: string): Promise<void> {
    if (this.abort.signal.aborted) return;
    const { clock } = this.options;
    const reading = this.sensorHealth.isLatestAccepted && this.latest !== undefined ? { temperature: this.latest.temperature, atMs: this.latest.atMonotonicMs } : undefined;
    const decision = this.controller.decide({ nowMs: clock.monotonicNow(), isOn: this.relay.isOn, sinceMs: this.relay.sinceMs, reading });
    const previous = this.lastDecision;
    this.lastDecision = decision;
    this.log.debug("control_decision", { trigger, on: decision.isOn, reason: decision.reason, temperature: reading?.temperature, setpoint: this.controller.setpoint, recheck_at_ms: decision.recheckAtMs });
    if (SAFETY_REASONS.has(decision.reason) && previous?.reason !== decision.reason) {
      const isSevere = decision.reason === "runaway" || decision.reason === "over_temperature";
      this.log[isSevere ? "error" : "warn"]("safety_cutoff", { reason: decision.reason, temperature: reading?.temperature, faults: this.controller.faults });
    }
    await this.relay.set(decision.isOn, decision.reason);
  }

  /** Applies a setpoint from the local API or the cloud, saves it, and re-decides. */
  setSetpoint(value: number, unit: Unit, source: SetpointSource, desiredUpdatedAt?: string): SetpointCheck {
    const { config, clock } = this.options;
    const check = checkSetpoint({ value, unit, deviceUnit: config.unit, overTempCutoff: config.over_temp_cutoff, hotTolerance: config.hot_tolerance_deg });
    if (!check.ok) return check;
    const previous = this.controller.setpoint;
    this.controller.setSetpoint(check.setpoint);
    this.setpointSource = source;
    // Without a database the setpoint stays in force until restart and is saved once the database opens.
    this.setpoints?.save({ setpoint: check.setpoint, source, nowMs: clock.now(), desiredUpdatedAt });
    this.log.info("setpoint_changed", { from: previous, to: check.setpoint, unit: config.unit, source });
    this.queueDecision("setpoint");
    return check;
  }

  private applyDesired(desired: DesiredState): void {
    if (desired.updated_at === this.appliedDesiredUpdatedAt) return;
    this.appliedDesiredUpdatedAt = desired.updated_at;
    const check = this.setSetpoint(desired.setpoint, desired.unit, SETPOINT_SOURCES.cloud, desired.updated_at);
    if (check.ok) return;
    // Logged once per desired state. Readings keep carrying the setpoint in force, so the cloud can see the mismatch.
    this.log.warn("desired_setpoint_rejected", {
      device_id: this.options.config.device_id,
      setpoint: desired.setpoint,
      unit: desired.unit,
      updated_at: desired.updated_at,
      reason: check.message,
      setpoint_in_force: this.controller.setpoint,
    });
  }

  status(): DeviceStatus {
    return buildStatus({
      config: this.options.config,
      version: this.options.version,
      clock: this.options.clock,
      startedAtMs: this.startedAtMs,
      latest: this.latest,
      relay: this.relay,
      controller: this.controller,
      lastDecision: this.lastDecision,
      setpointSource: this.setpointSource,
      sensorDescription: this.options.sensor.description,
      sensorHealth: this.sensorHealth,
      upload: this.uploadLoop?.status,
      uploadsConfigured: this.options.config.api_url !== undefined && this.options.config.ingest_token !== undefined,
      outbox: this.outboxInUse,
      outboxError: this.databaseError,
    });
  }
}
