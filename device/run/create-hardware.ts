/**
 * Builds the sensor, relay and clock the configuration selects. Native
 * packages load here, only when their driver is selected.
 */
import type { Logger } from "../../lib/log.ts";
import type { DeviceConfig } from "../config/load.ts";
import { createNativeModuleLoader, type NativeModuleLoader } from "../native/load-native-module.ts";
import { GpioCdevRelay } from "../relays/gpio-cdev.ts";
import { GpioSysfsRelay } from "../relays/gpio-sysfs.ts";
import { createLibcIoctlBackend, type IoctlBackend } from "../relays/ioctl-backend.ts";
import type { RelayDriver } from "../relays/relay.ts";
import { RpiGpioRelay } from "../relays/rpi-gpio.ts";
import { SimulatedRelay } from "../relays/simulated.ts";
import { Ds18b20Sensor } from "../sensors/ds18b20.ts";
import { IioDhtSensor } from "../sensors/iio-dht.ts";
import { NodeDhtSensor } from "../sensors/node-dht.ts";
import type { Sensor } from "../sensors/sensor.ts";
import { SimulatedSensor } from "../sensors/simulated.ts";
import { RoomModel } from "../simulation/room-model.ts";
import { createScaledClock, systemClock, type Clock } from "../time/clock.ts";

export interface Hardware {
  clock: Clock;
  /** The room model when the sensor or relay is simulated. */
  room: RoomModel | undefined;
}

export interface HardwareOverrides {
  loadModule?: NativeModuleLoader;
  ioctlBackend?: IoctlBackend;
  clock?: Clock;
}

/** Creates the clock and, when anything is simulated, the room model both simulated parts share. */
export function createHardware(config: DeviceConfig, overrides: HardwareOverrides = {}): Hardware {
  const clock = overrides.clock ?? createScaledClock(config.speed, systemClock);
  const isSimulated = config.sensor === "simulated" || config.relay === "simulated";
  // The room's physics follow monotonic time, so a step of the wall clock does not freeze or jump the room.
  return { clock, room: isSimulated ? new RoomModel({ startMs: clock.monotonicNow() }) : undefined };
}

/**
 * Creates the configured sensor driver.
 * @throws {NativeModuleError} when node-dht-sensor is selected but missing or unbuilt
 */
export function createSensor(config: DeviceConfig, hardware: Hardware, logger: Logger, overrides: HardwareOverrides = {}): Sensor {
  switch (config.sensor) {
    case "iio-dht":
      return new IioDhtSensor({ sysfsRoot: config.sysfs_root, bcm: config.sensor_bcm, dhtType: config.dht_type, logger });
    case "ds18b20":
      return new Ds18b20Sensor({ sysfsRoot: config.sysfs_root, id: config.ds18b20_id, source: config.ds18b20_source });
    case "node-dht-sensor":
      return new NodeDhtSensor({ dhtType: config.dht_type, bcm: config.sensor_bcm, loadModule: overrides.loadModule ?? createNativeModuleLoader(config.node_modules_dir) });
    case "simulated":
      return new SimulatedSensor(hardware.room as RoomModel, hardware.clock);
  }
}

/** Creates the configured relay driver; nothing touches the hardware until `open()`. */
export async function createRelay(config: DeviceConfig, hardware: Hardware, overrides: HardwareOverrides = {}): Promise<RelayDriver> {
  const common = { bcm: config.relay_bcm, isActiveLow: config.relay_active_low };
  switch (config.relay) {
    case "gpio-cdev":
      return new GpioCdevRelay({ ...common, devRoot: config.dev_root, chipLabel: config.gpio_chip_label, backend: overrides.ioctlBackend ?? (await createLibcIoctlBackend()) });
    case "gpio-sysfs":
      return new GpioSysfsRelay({ ...common, sysfsRoot: config.sysfs_root, chipLabel: config.gpio_chip_label });
    case "rpi-gpio":
      return new RpiGpioRelay({ ...common, loadModule: overrides.loadModule ?? createNativeModuleLoader(config.node_modules_dir) });
    case "simulated":
      return new SimulatedRelay(hardware.room as RoomModel, hardware.clock);
  }
}
