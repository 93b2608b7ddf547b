import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../device/config/errors.ts";
import { DEFAULT_CONFIG_PATH, describeConfig, isLoopbackAddress, loadConfig, type LoadConfigOptions } from "../../device/config/load.ts";
import { checkBcm, checkHeaderPin } from "../../device/config/pins.ts";

/** A file system holding only the given files. */
function files(contents: Record<string, string>): LoadConfigOptions["readTextFile"] {
  return (path) => {
    const text = contents[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
    return text;
  };
}

function load(options: { file?: string; env?: Record<string, string>; flags?: Record<string, string | boolean>; extraFiles?: Record<string, string> } = {}) {
  const contents: Record<string, string> = { ...options.extraFiles };
  if (options.file !== undefined) contents[DEFAULT_CONFIG_PATH] = options.file;
  return loadConfig({ env: options.env ?? {}, flags: options.flags ?? {}, readTextFile: files(contents), systemTimeZone: "UTC", programDir: "/opt/thermo" });
}

function problemsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  test("uses the defaults without a file", () => {
    const config = load();
    expect(config).toMatchObject({
      sensor: "iio-dht",
      relay: "gpio-cdev",
      relay_bcm: 17,
      relay_header_pin: 11,
      unit: "F",
      setpoint: 50,
      min_on_s: 120,
      min_off_s: 120,
      poll_interval_s: 15,
      api_bind: "127.0.0.1",
      api_url: undefined,
      data_dir: "/var/lib/thermo",
      node_modules_dir: "/opt/thermo/node_modules",
      config_path: undefined,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test("sizes the outbox for 30 days of polling", () => {
    expect(load().outbox_max_readings).toBe(172_800);
    expect(load({ flags: { poll_interval_s: "60" } }).outbox_max_readings).toBe(43_200);
  });

  test("uses unit defaults for °C", () => {
    expect(load({ flags: { unit: "C" } })).toMatchObject({ setpoint: 10, cold_tolerance_deg: 0.5, over_temp_cutoff: 35 });
  });

  test("applies flag over env over file", () => {
    const file = 'relay_bcm = 22\nsetpoint = 48\npoll_interval_s = 20\ndevice_id = "shop"\n';
    const config = load({ file, env: { THERMO_RELAY_BCM: "23", THERMO_SETPOINT: "52" }, flags: { relay_bcm: "24" } });
    expect(config.relay_bcm).toBe(24);
    expect(config.setpoint).toBe(52);
    expect(config.poll_interval_s).toBe(20);
    expect(config.device_id).toBe("shop");
    expect(config.config_path).toBe(DEFAULT_CONFIG_PATH);
  });

  test("reads the file named by --config", () => {
    const config = load({ flags: { config: "/srv/thermo.toml" }, extraFiles: { "/srv/thermo.toml": "relay_active_low = true\n" } });
    expect(config.relay_active_low).toBe(true);
  });

  test("rejects a missing file named by --config", () => {
    const [problem] = problemsOf(() => load({ flags: { config: "/nope.toml" } }));
    expect(problem?.message).toContain("ENOENT");
  });

  test("reports an invalid file value under a flag", () => {
    const problems = problemsOf(() => load({ file: 'relay_bcm = "seventeen"\n', flags: { relay_bcm: "22" } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.key).toBe("relay_bcm");
    expect(problems[0]?.source).toBe("file");
    expect(problems[0]?.value).toBe("seventeen");
    expect(problems[0]?.message).toContain("whole number");
    expect(problems[0]?.message).toContain("overridden by --relay-bcm");
  });

  test("reports an invalid variable under a flag", () => {
    const problems = problemsOf(() => load({ file: "min_on_s = 10\n", env: { THERMO_MIN_ON_S: "soon" }, flags: { min_on_s: "300" } }));
    expect(problems.map((problem) => problem.origin).sort()).toEqual([DEFAULT_CONFIG_PATH, "THERMO_MIN_ON_S"]);
    for (const problem of problems) expect(problem.message).toContain("overridden by --min-on-s");
  });

  test("names the line of a TOML syntax error", () => {
    const [problem] = problemsOf(() => load({ file: "relay_bcm = 17\nsetpoint = = 3\n" }));
    expect(problem?.message).toContain("line 2");
  });

  test("coerces booleans and numbers from the environment", () => {
    const config = load({ env: { THERMO_RELAY_ACTIVE_LOW: "yes", THERMO_MIN_ON_S: "300", THERMO_LOG_LEVEL: "debug" } });
    expect(config.relay_active_low).toBe(true);
    expect(config.min_on_s).toBe(300);
    expect(config.log_level).toBe("debug");
  });

  test.each([
    ["maybe", { env: { THERMO_RELAY_ACTIVE_LOW: "maybe" } }],
    ["2", { flags: { relay_active_low: "2" } }],
    ['"yes" in the file', { file: 'relay_active_low = "yes"\n' }],
  ])("relay_active_low error lists accepted words for %s", (_label, options) => {
    const [problem] = problemsOf(() => load(options));
    expect(problem?.key).toBe("relay_active_low");
    expect(problem?.message).toContain("true or false");
    expect(problem?.message).toContain("yes/no, on/off and 1/0");
  });

  test.each(["yes", "no", "on", "off", "1", "0", "TRUE", "False"])("relay_active_low accepts %s", (word) => {
    expect(load({ env: { THERMO_RELAY_ACTIVE_LOW: word } }).relay_active_low).toBe(["yes", "on", "1", "true"].includes(word.toLowerCase()));
  });

  test("ignores the cloud's THERMO_ variables", () => {
    expect(() => load({ env: { THERMO_TABLE: "x", THERMO_INGEST_TOKEN_SHA256: "y" } })).not.toThrow();
  });

  test.each([
    [{ relay_bcm: "40" }, "relay_bcm", "from 0 to 27"],
    [{ relay_bcm: "seventeen" }, "relay_bcm", "whole number"],
    [{ relay_bcm: "1" }, "relay_bcm", "HAT ID EEPROM"],
    [{ relay_header_pin: "6" }, "relay_header_pin", "ground pin"],
    [{ relay_header_pin: "2" }, "relay_header_pin", "power pin"],
    [{ sensor: "dht22" }, "sensor", '"iio-dht", "ds18b20"'],
    [{ unit: "K" }, "unit", '"F", "C"'],
    [{ setpoint: "120" }, "setpoint", "32 to 104 °F"],
    [{ setpoint: "50.5" }, "setpoint", "whole number"],
    [{ poll_interval_s: "1" }, "poll_interval_s", "from 2 to 3600 s"],
    [{ stale_after_s: "20" }, "stale_after_s", "twice poll_interval_s"],
    [{ timezone: "Mars/Olympus" }, "timezone", "IANA"],
    [{ device_id: "Shop Floor" }, "device_id", "a-z"],
    [{ api_url: "not a url" }, "api_url", "http://"],
    [{ api_url: "http://127.0.0.1:8787" }, "api_url", "ingest_token"],
    [{ api_bind: "0.0.0.0" }, "api_bind", "api_token"],
    [{ speed: "10" }, "speed", "simulated"],
    [{ over_temp_cutoff: "50" }, "over_temp_cutoff", "above setpoint"],
    [{ upload_batch_size: "501" }, "upload_batch_size", "from 1 to 500"],
    [{ sensor_bcm: "17" }, "relay_bcm", "cannot share BCM 17"],
    [{ relay_pin: "17" }, "relay_pin", "relay_header_pin"],
  ])("rejects %j", (flags, key, fragment) => {
    const problems = problemsOf(() => load({ flags }));
    const problem = problems.find((candidate) => candidate.key === key);
    expect(problem?.message).toContain(fragment);
  });

  test("names the key, source, value and rule in the message", () => {
    let message = "";
    try {
      load({ env: { THERMO_RELAY_BCM: "99" } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("relay_bcm (from THERMO_RELAY_BCM) = 99: must be a whole number from 0 to 27");
  });

  test("shows non-finite TOML numbers as TOML", () => {
    let message = "";
    try {
      load({ file: "poll_interval_s = nan\nstale_after_s = inf\nmax_on_s = 1e400\nmin_on_s = -inf\nmin_off_s = [nan, 1]\n" });
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toContain(`poll_interval_s (from ${DEFAULT_CONFIG_PATH}) = nan: must be a number from 2 to 3600 s`);
    expect(message).toContain(`stale_after_s (from ${DEFAULT_CONFIG_PATH}) = inf: must be a number from 4 to 86400 s`);
    expect(message).toContain(`max_on_s (from ${DEFAULT_CONFIG_PATH}) = inf: must be a number from 60 to 86400 s`);
    expect(message).toContain(`min_on_s (from ${DEFAULT_CONFIG_PATH}) = -inf: must be a number from 30 to 3600 s`);
    expect(message).toContain(`min_off_s (from ${DEFAULT_CONFIG_PATH}) = [nan, 1]:`);
    expect(message).not.toContain("null");
  });

  test("reports every problem at once", () => {
    const problems = problemsOf(() => load({ file: "unknown_key = 1\nrelay_bcm = 99\n", flags: { unit: "X" } }));
    expect(problems.map((problem) => problem.key).sort()).toEqual(["relay_bcm", "unit", "unknown_key"]);
  });

  test("reads tokens from files", () => {
    const config = load({
      flags: { api_url: "http://127.0.0.1:8787", ingest_token_file: "/etc/thermo/ingest-token", api_token_file: "/etc/thermo/api-token", api_bind: "0.0.0.0" },
      extraFiles: { "/etc/thermo/ingest-token": "abc123\n", "/etc/thermo/api-token": "local-secret\r\nignored\n" },
    });
    expect(config.ingest_token).toBe("abc123");
    expect(config.api_token).toBe("local-secret");
  });

  test.each([
    [{ ingest_token_file: "/missing" }, "cannot read the token file"],
    [{ ingest_token_file: "/empty" }, "empty"],
    [{ ingest_token_file: "/empty", ingest_token: "x" }, "not both"],
  ])("rejects token settings %j", (flags, fragment) => {
    const problems = problemsOf(() => load({ flags, extraFiles: { "/empty": "\n" } }));
    expect(problems[0]?.message).toContain(fragment);
  });

  test("never shows a token in an error", () => {
    let message = "";
    try {
      load({ flags: { ingest_token: "", api_url: "x" } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("(secret not shown)");
  });

  test("hides tokens when described", () => {
    const config = load({ flags: { api_url: "http://127.0.0.1:1", ingest_token: "super-secret" } });
    expect(JSON.stringify(describeConfig(config))).not.toContain("super-secret");
  });

  test("maps a header pin to its BCM number", () => {
    const config = load({ flags: { relay_header_pin: "13" } });
    expect(config.relay_bcm).toBe(27);
    expect(config.relay_header_pin).toBe(13);
  });

  test("accepts speed with simulated hardware", () => {
    expect(load({ flags: { sensor: "simulated", relay: "simulated", speed: "60" } }).speed).toBe(60);
  });
});

describe("timezone", () => {
  /** Returns the one problem of `key` when loading with `options` fails. */
  function timezoneProblem(options: Partial<LoadConfigOptions>) {
    const problems = problemsOf(() => loadConfig({ env: {}, flags: {}, readTextFile: files({}), programDir: "/opt/thermo", ...options }));
    const problem = problems.find((candidate) => candidate.key === "timezone");
    expect(problem).toBeDefined();
    return problem as NonNullable<typeof problem>;
  }

  test("loads the zone's rules", () => {
    const config = load({ flags: { timezone: "America/Chicago" } });

    expect(config.timezone).toBe("America/Chicago");
    expect(config.zone.name).toBe("America/Chicago");
    expect(config.zone.offsetSecondsAt(Date.UTC(2026, 0, 15))).toBe(-21_600);
  });

  test("uses the system zone when unset", () => {
    const config = loadConfig({ env: {}, flags: {}, readTextFile: files({}), systemTimeZone: "Asia/Kathmandu", programDir: "/opt/thermo" });

    expect(config.timezone).toBe("Asia/Kathmandu");
  });

  test("reads the system zone from TZ", () => {
    const config = loadConfig({ env: { TZ: ":Europe/Dublin" }, flags: {}, readTextFile: files({}), programDir: "/opt/thermo" });

    expect(config.timezone).toBe("Europe/Dublin");
  });

  test("rejects an unknown zone with the key, value and fix", () => {
    const problem = timezoneProblem({ flags: { timezone: "Mars/Olympus" } });

    expect(problem.value).toBe("Mars/Olympus");
    expect(problem.source).toBe("flag");
    expect(problem.message).toBe('no such zone in /usr/share/zoneinfo; use an IANA name such as "UTC" or "America/Chicago"; the names are listed in /usr/share/zoneinfo/zone1970.tab');
  });

  test.each([
    ["+02:00", '"Etc/GMT-2" for a fixed +02:00 all year (Etc/GMT names invert the sign)'],
    ["UTC+2", '"Etc/GMT-2" for a fixed UTC+2 all year'],
    ["GMT-3", '"Etc/GMT+3" for a fixed GMT-3 all year'],
    ["-05:30", 'use the zone of a place, such as "Europe/Berlin", which also follows daylight saving time'],
    ["+00:00", 'use "UTC"'],
  ])("rejects offset %s with a zone hint", (offset, hint) => {
    const problem = timezoneProblem({ flags: { timezone: offset } });

    expect(problem.value).toBe(offset);
    expect(problem.message).toStartWith("is a UTC offset, not an IANA zone name; ");
    expect(problem.message).toContain(hint);
  });

  test("rejects +02:00 from the file", () => {
    expect(() => load({ file: 'timezone = "+02:00"\n' })).toThrow(`timezone (from ${DEFAULT_CONFIG_PATH}) = "+02:00": is a UTC offset, not an IANA zone name`);
  });

  test("rejects a path as a zone name", () => {
    const problem = timezoneProblem({ flags: { timezone: "../../etc/passwd" } });

    expect(problem.message).toContain("is not an IANA zone name");
  });

  test("says to install tzdata when it is missing", () => {
    const problem = timezoneProblem({ flags: { timezone: "America/Chicago" }, zoneinfoDir: "/nonexistent/zoneinfo" });

    expect(problem.message).toBe('the tz database /nonexistent/zoneinfo is missing; install the tz database with "sudo apt install tzdata"');
  });

  test("names where an unknown system zone came from", () => {
    const problem = timezoneProblem({ systemTimeZone: "Mars/Olympus" });

    expect(problem.source).toBe("default");
    expect(problem.message).toContain("(the system's zone, from the systemTimeZone option; set timezone to choose one)");
  });

  test("shows the key, source and value in the error message", () => {
    expect(() => load({ env: { THERMO_TIMEZONE: "Mars/Olympus" } })).toThrow('timezone (from THERMO_TIMEZONE) = "Mars/Olympus": no such zone in /usr/share/zoneinfo');
  });

  test("leaves the zone's rules out of the description", () => {
    const described = describeConfig(load({ flags: { timezone: "America/Chicago" } }));

    expect(described.timezone).toBe("America/Chicago");
    expect(described).not.toHaveProperty("zone");
  });
});

describe("pins", () => {
  test.each([
    [17, 11],
    [4, 7],
    [27, 13],
    [2, 3],
  ])("BCM %d is header pin %d", (bcm, headerPin) => {
    expect(checkBcm(bcm)).toEqual({ ok: true, bcm, headerPin });
  });

  test.each([1, 2, 4, 17])("rejects power pin %d", (pin) => {
    const result = checkHeaderPin(pin);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain("power pin");
  });

  test.each([6, 9, 14, 20, 25, 30, 34, 39])("rejects ground pin %d", (pin) => {
    const result = checkHeaderPin(pin);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain("ground pin");
  });

  test.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["localhost", true],
    ["::1", true],
    ["0.0.0.0", false],
    ["192.168.1.20", false],
  ])("isLoopbackAddress(%s)", (address, expected) => {
    expect(isLoopbackAddress(address)).toBe(expected);
  });
});

describe("safety bounds", () => {
  test.each([
    ["F", "min_on_s", "0", "from 30 to 3600 s"],
    ["F", "min_off_s", "29", "from 30 to 3600 s"],
    ["F", "cold_tolerance_deg", "0", "from 0.5 to 10 °F"],
    ["F", "hot_tolerance_deg", "0.4", "from 0.5 to 10 °F"],
    ["F", "over_temp_cutoff", "114", "from 32 to 113 °F"],
    ["F", "over_temp_cutoff", "257", "from 32 to 113 °F"],
    ["C", "cold_tolerance_deg", "0.2", "from 0.3 to 10 °C"],
    ["C", "hot_tolerance_deg", "0", "from 0.3 to 10 °C"],
    ["C", "over_temp_cutoff", "46", "from 0 to 45 °C"],
    ["C", "over_temp_cutoff", "125", "from 0 to 45 °C"],
  ])("unit %s rejects %s = %s", (unit, key, value, fragment) => {
    const problems = problemsOf(() => load({ flags: { unit, [key]: value } }));
    const problem = problems.find((candidate) => candidate.key === key);
    expect(problem?.message).toContain(fragment);
    expect(problem?.value).toBe(Number(value));
  });

  test("accepts the limits in °F", () => {
    const flags = { min_on_s: "30", min_off_s: "30", cold_tolerance_deg: "0.5", hot_tolerance_deg: "0.5", over_temp_cutoff: "113" };
    expect(load({ flags })).toMatchObject({ min_on_s: 30, min_off_s: 30, cold_tolerance_deg: 0.5, hot_tolerance_deg: 0.5, over_temp_cutoff: 113 });
  });

  test("accepts the limits in °C", () => {
    const flags = { unit: "C", setpoint: "40", cold_tolerance_deg: "0.3", hot_tolerance_deg: "0.3", over_temp_cutoff: "45" };
    expect(load({ flags })).toMatchObject({ cold_tolerance_deg: 0.3, hot_tolerance_deg: 0.3, over_temp_cutoff: 45 });
  });

  test("names key, value and range", () => {
    let message = "";
    try {
      load({ flags: { min_off_s: "0" } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("min_off_s (from --min-off-s) = 0: must be a number from 30 to 3600 s");
  });
});
