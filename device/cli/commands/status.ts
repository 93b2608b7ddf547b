/** `thermo status`: queries the running thermo's local API and prints a summary. */
import type { DeviceConfig } from "../../config/load.ts";
import { deviceStatusSchema, type DeviceStatus } from "../../api/status.ts";
import { EXIT_CODES } from "../../run/exit-codes.ts";
import type { CliIo } from "../io.ts";

/** Returns the address that reaches the API from this machine. */
function localAddress(bind: string): string {
  if (bind === "0.0.0.0" || bind === "::" || bind === "[::]") return "127.0.0.1";
  if (bind.includes(":") && !bind.startsWith("[")) return `[${bind}]`;
  return bind;
}

function formatStatus(status: DeviceStatus): string {
  const temperature = status.temperature === null ? "no reading yet" : `${status.temperature} °${status.unit}${status.humidity === null ? "" : `, ${status.humidity} %`} (${status.reading_age_s} s ago)`;
  return [
    `device       ${status.device_id} (thermo ${status.version}, up ${status.uptime_s} s)`,
    `temperature  ${temperature}`,
    `setpoint     ${status.setpoint} °${status.unit} (from ${status.setpoint_source})`,
    `heater       ${status.heater.on ? "ON" : "off"} since ${status.heater.since}${status.heater.reason === null ? "" : ` (${status.heater.reason})`}`,
    `relay        ${status.relay.driver}, BCM ${status.relay.bcm}, header pin ${status.relay.header_pin}`,
    `sensor       ${status.sensor.driver}: ${status.sensor.healthy ? "healthy" : `UNHEALTHY${status.sensor.last_error === null ? "" : ` (${status.sensor.last_error})`}`}, ${status.sensor.rejected_total} rejected`,
    `upload       ${status.upload.configured ? `last success ${status.upload.last_success_at ?? "never"}${status.upload.last_error === null ? "" : `, last error ${status.upload.last_error}`}` : "not configured (api_url unset)"}`,
    status.outbox.available
      ? `outbox       ${status.outbox.depth} waiting, ${status.outbox.dead_letters} dead letters, ${status.outbox.evicted_total} evicted`
      : `outbox       UNAVAILABLE, readings are not stored (${status.outbox.error ?? "unknown error"})`,
    `safety       runaway lockout ${status.safety.runaway_lockout_until ?? "none"}, over-temperature last ${status.safety.last_over_temperature_at ?? "never"}`,
  ].join("\n");
}

export async function statusCommand(options: { config: DeviceConfig; io: CliIo; json: boolean; fetch?: typeof fetch }): Promise<number> {
  const { config, io } = options;
  const url = `http://${localAddress(config.api_bind)}:${config.api_port}/status`;
  const headers: Record<string, string> = config.api_token === undefined ? {} : { authorization: `Bearer ${config.api_token}` };

  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { headers, signal: AbortSignal.timeout(5000) });
  } catch (error) {
    io.err(`error: cannot reach thermo at ${url} (${error instanceof Error ? error.message : String(error)}); is "thermo run" running? (systemctl status thermo)`);
    return EXIT_CODES.startFailure;
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.status === 401) {
    io.err(`error: ${url} answered 401; set api_token or api_token_file to the running thermo's token`);
    return EXIT_CODES.authFailure;
  }
  if (response.status === 404) {
    io.err(`error: ${url} answered 404, so the program on port ${config.api_port} is not thermo's local API; check that "thermo run" is running (systemctl status thermo) and that api_port is the port it listens on`);
    return EXIT_CODES.startFailure;
  }
  if (!response.ok) {
    io.err(`error: ${url} answered ${response.status}`);
    return EXIT_CODES.startFailure;
  }
  const parsed = deviceStatusSchema.safeParse(body);
  if (!parsed.success) {
    io.err(`error: ${url} answered with an unexpected body; is another program on port ${config.api_port}?`);
    return EXIT_CODES.startFailure;
  }
  io.out(options.json ? JSON.stringify(parsed.data, null, 2) : formatStatus(parsed.data));
  return EXIT_CODES.ok;
}
