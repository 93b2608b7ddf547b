/**
 * Preload for child processes: every use of Intl and of the Date, Number,
 * String and Array methods that read the local time zone or the locale
 * throws. Those calls load ICU's data into memory, which the device must not
 * do, so a command that runs cleanly under this preload never made them.
 * Usage: bun --preload tests/device/helpers/forbid-intl.ts device.ts <command…>
 *
 * Never import this file from a test: bun test runs every test file in one
 * process, which the import would break for all of them. Every error it
 * throws starts with "forbidden ICU call", for tests to search the output.
 */

// A module without exports, so its names stay out of the global scope.
export {};

const FORBIDDEN_MARKER = "forbidden ICU call";

function forbid(owner: object, names: readonly string[], ownerName: string): void {
  for (const name of names) {
    Object.defineProperty(owner, name, {
      configurable: true,
      value() {
        throw new Error(`${FORBIDDEN_MARKER}: ${ownerName}.${name}`);
      },
    });
  }
}

Object.defineProperty(globalThis, "Intl", {
  configurable: true,
  get() {
    throw new Error(`${FORBIDDEN_MARKER}: Intl`);
  },
});

const LOCAL_DATE_METHODS = ["getTimezoneOffset", "getFullYear", "getMonth", "getDate", "getDay", "getHours", "getMinutes", "getSeconds", "setFullYear", "setMonth", "setDate", "setHours", "setMinutes", "setSeconds", "toString", "toDateString", "toTimeString", "toLocaleString", "toLocaleDateString", "toLocaleTimeString"] as const;
forbid(Date.prototype, LOCAL_DATE_METHODS, "Date.prototype");
forbid(Number.prototype, ["toLocaleString"], "Number.prototype");
forbid(String.prototype, ["localeCompare", "toLocaleUpperCase", "toLocaleLowerCase"], "String.prototype");
forbid(Array.prototype, ["toLocaleString"], "Array.prototype");
