/** Exit codes of `thermo`, so systemd logs and scripts can tell failures apart. */
export const EXIT_CODES = {
  ok: 0,
  /** The relay could not be driven or verified; heating stopped. systemd restarts the service. */
  relayFailure: 1,
  /** Bad configuration or command line. */
  usage: 2,
  /** Start-up failed for another reason (database, native package, port in use), or `thermo status` got no valid response. */
  startFailure: 3,
  /** An uncaught error; the relay was driven off where possible. */
  crash: 4,
  /** `thermo status`: the running thermo's local API rejected the token (401). */
  authFailure: 5,
} as const;
