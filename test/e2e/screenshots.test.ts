// The README's pictures (screenshots/capture.ts), taken into a temporary directory: a change that
// breaks the capture, or leaves a picture showing the wrong page, fails here.
import { readFileSync, rmSync, statSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type Capture,
  captureScreenshots,
  PICTURED_APP,
  SCREENSHOT_FILES,
  SCREENSHOT_VIEWPORT,
} from "./screenshots/capture";

/** The eight bytes every PNG file starts with (PNG specification §5.2). */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk, which must come first (PNG specification §11.2.2). */
function pngSize(file: Buffer): { width: number; height: number } {
  expect(file.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(file.subarray(12, 16).toString("latin1")).toBe("IHDR");
  return { width: file.readUInt32BE(16), height: file.readUInt32BE(20) };
}

/** Small enough for a README: the pictures are committed. */
const MAX_BYTES = 150 * 1024;

describe("the README's screenshots", () => {
  let directory = "";
  afterAll(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it("are captured from the running app: three PNGs of the viewport's size, each of its page", async () => {
    directory = await mkdtemp(join(tmpdir(), "screenshots-"));
    const capture: Capture = await captureScreenshots(directory);

    for (const name of Object.values(SCREENSHOT_FILES)) {
      const path = join(directory, name);
      expect(pngSize(readFileSync(path)), name).toEqual(SCREENSHOT_VIEWPORT);
      expect(statSync(path).size, name).toBeLessThan(MAX_BYTES);
    }
    expect(capture.consentScopes).toEqual(["Sentiment analysis", "Read the news dataset"]);
    expect(capture.connectedApps).toEqual([PICTURED_APP]);
    expect(capture.auditEvents).toContain("tool.call");
    expect(capture.auditEvents).toContain("consent.granted");
  }, 120_000);
});
