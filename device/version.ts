/** The program's version, from package.json (bundled into the binary at build time). */
import packageJson from "../package.json" with { type: "json" };

export const VERSION: string = packageJson.version;

/** One line for `thermo --version`: version, runtime and platform. */
export function describeVersion(): string {
  return `thermo ${VERSION} (bun ${Bun.version}, ${process.platform}-${process.arch})`;
}
