import { describe, expect, test } from "bun:test";
import { unzipSync } from "fflate";
import { codeSha256, zipDeterministic } from "../../deploy/zip.ts";

const encoder = new TextEncoder();

describe("zipDeterministic", () => {
  test("same input gives the same hash", () => {
    const first = zipDeterministic({ "index.mjs": encoder.encode("export const handler = 1;") });
    const second = zipDeterministic({ "index.mjs": encoder.encode("export const handler = 1;") });

    expect(first.sha256Base64).toBe(second.sha256Base64);
    expect(first.sha256Base64).toBe(codeSha256(first.zip));
  });

  test("different input gives another hash", () => {
    const first = zipDeterministic({ "index.mjs": encoder.encode("a") });
    const second = zipDeterministic({ "index.mjs": encoder.encode("b") });

    expect(first.sha256Base64).not.toBe(second.sha256Base64);
  });

  test("entries are sorted and round-trip", () => {
    const { zip } = zipDeterministic({ "b.mjs": encoder.encode("b"), "a.mjs": encoder.encode("a") });

    const files = unzipSync(zip);
    expect(Object.keys(files)).toEqual(["a.mjs", "b.mjs"]);
    expect(new TextDecoder().decode(files["a.mjs"])).toBe("a");
  });

  test("entry time is 1980-01-01 00:00 as DOS fields", () => {
    const { zip } = zipDeterministic({ "index.mjs": encoder.encode("x") });
    const view = new DataView(zip.buffer, zip.byteOffset);

    expect(view.getUint32(0, true)).toBe(0x04034b50);
    expect(view.getUint16(10, true)).toBe(0);
    expect(view.getUint16(12, true)).toBe((0 << 9) | (1 << 5) | 1);
  });

  test("hash does not depend on TZ", async () => {
    const script = `import { zipDeterministic } from "${import.meta.dir}/../../deploy/zip.ts"; console.log(zipDeterministic({ "index.mjs": new TextEncoder().encode("x") }).sha256Base64);`;
    const hashes = await Promise.all(
      ["UTC", "America/Chicago", "Asia/Kolkata"].map(async (zone) => {
        const child = Bun.spawn(["bun", "-e", script], { env: { ...process.env, TZ: zone }, stdout: "pipe" });
        return (await new Response(child.stdout).text()).trim();
      }),
    );

    expect(new Set(hashes).size).toBe(1);
    expect(hashes[0]).toBe(zipDeterministic({ "index.mjs": encoder.encode("x") }).sha256Base64);
  });
});
