/** describeValue: how a received value appears in an error message. */
import { describe, expect, test } from "bun:test";
import { describeValue } from "../../schema.ts";

describe("describeValue", () => {
  test.each([
    ["zero-width space escaped", "shop\u200b", '"shop\\u200b"'],
    ["control character escaped", "a\u0001b", '"a\\u0001b"'],
    ["newline escaped", "a\nb", '"a\\nb"'],
    ["long string shortened", "x".repeat(50), `"${"x".repeat(40)}…"`],
    ["object named", { a: 1 }, "an object"],
    ["array named", [1], "an array"],
    ["missing value", undefined, "nothing"],
    ["null shown", null, "null"],
    ["number shown", 1e308, "1e+308"],
  ] as const)("%s", (_name, value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});
