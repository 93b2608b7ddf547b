/** Compiles device.ts into the `thermo` binaries with `bun build --compile`. */

export interface BuiltFile {
  path: string;
  bytes: number;
}

// TODO: the device binaries are not built yet; this returns no files until device.ts exists.
export async function buildDeviceBinaries(): Promise<BuiltFile[]> {
  return [];
}
