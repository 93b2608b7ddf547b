/** The interface every relay driver implements. States are logical: `true` means the heater is on. */

export interface RelayDriver {
  /** Driver and line, for logs: `gpio-cdev /dev/gpiochip0 (pinctrl-bcm2711) line 17`. */
  readonly description: string;
  /** Whether `read` reports the line's actual state, so writes can be verified. */
  readonly canReadBack: boolean;
  /**
   * Claims the line with the relay off.
   * @throws {RelayError} when the line cannot be claimed
   */
  open(): Promise<void>;
  /** @throws {RelayError} when the write fails */
  write(isOn: boolean): Promise<void>;
  /** @throws {RelayError} when the state cannot be read */
  read(): Promise<boolean>;
  /** Drives the relay off without waiting, for exit paths; returns false when this driver cannot. */
  forceOffSync(): boolean;
  /** Drives the relay off and releases the line. */
  close(): Promise<void>;
}
