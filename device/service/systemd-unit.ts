/**
 * The systemd unit `thermo install-service` writes. Raspberry Pi kernels keep
 * a GPIO output at its last level when the process dies, so the unit turns
 * the relay off in ExecStopPost. systemd runs that after every stop, crashes
 * and kill -9 included. The unit restarts the service on failure with no start
 * limit, so a flapping sensor cannot leave the space unheated for good.
 */

export interface UnitOptions {
  /** The program and leading arguments, e.g. ["/usr/local/bin/thermo"]. */
  command: string[];
  configPath: string;
  /** Account to run as; root when undefined. */
  user: string | undefined;
  dataDir: string;
}

/** Quotes a word for a systemd command line when it needs it. */
function quote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `"${word.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

export function renderUnit(options: UnitOptions): string {
  const program = options.command.map(quote);
  const configArgs = ["--config", quote(options.configPath)];
  const run = [...program, "run", ...configArgs].join(" ");
  const relayOff = [...program, "relay", "off", ...configArgs].join(" ");
  const account = options.user === undefined ? [] : [`User=${options.user}`, "SupplementaryGroups=gpio"];
  const stateDirectory = options.dataDir.startsWith("/var/lib/") ? [`StateDirectory=${options.dataDir.slice("/var/lib/".length)}`] : [];

  return [
    "[Unit]",
    "Description=thermo heater thermostat",
    "Wants=network-online.target",
    // A Pi has no real-time clock; waiting for time sync keeps early readings from carrying a 1970 or stale date.
    "After=network-online.target time-sync.target",
    // No start limit: a thermostat must keep trying to run.
    "StartLimitIntervalSec=0",
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${run}`,
    // Runs after every stop, clean or not; the relay line is free by then.
    `ExecStopPost=${relayOff}`,
    "Restart=on-failure",
    "RestartSec=5s",
    "TimeoutStopSec=30s",
    ...account,
    ...stateDirectory,
    "NoNewPrivileges=yes",
    "ProtectHome=yes",
    "ProtectSystem=full",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}
