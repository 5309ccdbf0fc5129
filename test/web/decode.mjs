// The Cool-chic-lite decoder page (web/decode.html), driven in headless Chromium: it decodes the committed .cc
// fixture (encoded in Node) to the same pixels Node decodes (the fixture's CRC-32), shows the PSNR against an
// original opened beside it, and refuses a damaged stream with a message. Each check goes through `check`, as
// web.test.mjs does. `decodeTimes` is bench/coolchic-browser.mjs's: decoding times in the page.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encode as encodePng } from "fast-png";
import { chromium } from "playwright-core";
import { crc32, decodeImage } from "../../dist/index.js";
import { ARGS, findChromium } from "../browser/run.mjs";
import { serve } from "../browser/server.mjs";
import { HANG_LIMIT_MS } from "../runtimes.mjs";
import { buildWeb } from "../../web/build.mjs";

const root = new URL("../../", import.meta.url).pathname;

/** The committed fixture's stream and the CRC-32 of the pixels Node decodes from it. */
export function coolchicFixture() {
  const source = readFileSync(`${root}test/fixtures/coolchic-fixture.ts`, "utf8");
  const stream = /stream:\s*"([^"]+)"/.exec(source)[1];
  return { bytes: new Uint8Array(Buffer.from(stream, "base64")), crc: Number(/pixelsCrc32: (\d+)/.exec(source)[1]) };
}

/** The committed MDC pair's streams and the CRC-32s of side 1, side 2 and the central pixels Node decodes. */
function mdcFixture() {
  const source = readFileSync(`${root}test/fixtures/coolchic-mdc-fixture.ts`, "utf8");
  const streams = /streams:\s*\[\s*"([^"]+)",\s*"([^"]+)"/.exec(source).slice(1);
  const crcs = /pixelsCrc32: \[([\d, ]+)\]/.exec(source)[1].split(",").map(Number);
  return { streams: streams.map((s) => new Uint8Array(Buffer.from(s, "base64"))), crcs };
}

/** Opens web/decode.html; resolves to { page, errors, close }. */
async function openDecoder() {
  await buildWeb();
  const server = await serve(`${root}web/`, { isolated: true });
  const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: ARGS });
  const close = async () => {
    await browser.close();
    await server.close();
  };
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(HANG_LIMIT_MS);
    const errors = [];
    page.on("pageerror", (error) => errors.push(String(error.stack ?? error)));
    await page.goto(`${server.url}/decode.html`);
    return { page, errors, close };
  } catch (error) {
    await close();
    throw error;
  }
}

const text = (page, id) => page.$eval(`#${id}`, (e) => e.textContent);

/**
 * Opens `path` as the .cc stream and waits until the page has decoded it or said why not. The input is emptied
 * first: choosing the file it already holds again would fire no change event.
 */
async function openStream(page, path) {
  await page.setInputFiles("#cc-input", []);
  await page.$eval("#decode-summary", (e) => {
    e.textContent = "";
  });
  await page.setInputFiles("#cc-input", path);
  await page.waitForFunction(() => /decoded in|No image/.test(document.getElementById("decode-summary").textContent));
}

/** The decoded canvas' samples, interleaved with `channels` per pixel as decodeImage gives them. */
async function canvasSamples(page, channels) {
  const rgba = await page.$eval("#decoded", (c) =>
    Array.from(c.getContext("2d").getImageData(0, 0, c.width, c.height).data),
  );
  return Uint8Array.from(
    { length: (rgba.length / 4) * channels },
    (_, i) => rgba[4 * Math.floor(i / channels) + (i % channels)],
  );
}

export async function decodePageChecks(check, scratch) {
  const { page, errors, close } = await openDecoder();
  try {
    const { bytes, crc } = coolchicFixture();
    const stream = join(scratch, "fixture.cc");
    writeFileSync(stream, bytes);
    await openStream(page, stream);
    const summary = await text(page, "decode-summary");
    check("the decoder page decodes the committed .cc fixture", /24 × 16, RGB/.test(summary), summary);
    const samples = await canvasSamples(page, 3);
    check("the page's pixels are Node's (the fixture's CRC-32)", crc32(samples) === crc, `${crc32(samples)} vs ${crc}`);

    // An original: Node's decoded pixels with a few samples changed, so the PSNR to expect is known.
    const reference = decodeImage(bytes);
    const changed = reference.data.slice();
    for (let i = 0; i < changed.length; i += 37) changed[i] = changed[i] > 127 ? changed[i] - 9 : changed[i] + 9;
    let se = 0;
    for (let i = 0; i < changed.length; i++) se += (changed[i] - reference.data[i]) ** 2;
    const expected = (10 * Math.log10((255 * 255 * changed.length) / se)).toFixed(2);
    const png = join(scratch, "original.png");
    writeFileSync(png, encodePng({ width: 24, height: 16, data: changed, channels: 3, depth: 8 }));
    await page.setInputFiles("#original-input", png);
    await page.waitForFunction(() => /PSNR/.test(document.getElementById("psnr").textContent));
    const psnr = await text(page, "psnr");
    check("with the original opened, the page shows the PSNR", psnr === `PSNR: ${expected} dB`, psnr);

    // The two descriptions of the committed MDC pair: each alone (a side), then both (the central image).
    const mdc = mdcFixture();
    const halves = mdc.streams.map((d, i) => {
      const path = join(scratch, `pair.${i + 1}.cc`);
      writeFileSync(path, d);
      return path;
    });
    for (const [paths, crcAt, what] of [
      [[halves[1]], 1, "description 2 of 2 \\(side\\)"],
      [halves, 2, "both descriptions \\(central\\)"],
    ]) {
      await openStream(page, paths);
      const said = await text(page, "decode-summary");
      const pixels = crc32(await canvasSamples(page, 3));
      check(
        `an MDC pair on the page: ${what.replace(/\\/g, "")} gives Node's pixels`,
        new RegExp(what).test(said) && pixels === mdc.crcs[crcAt],
        `${said}; CRC ${pixels} vs ${mdc.crcs[crcAt]}`,
      );
    }

    const damaged = bytes.slice();
    damaged[20] ^= 0x40;
    writeFileSync(stream, damaged);
    await openStream(page, stream);
    const error = await text(page, "decode-error");
    check("a damaged stream is refused with a message", /Not a valid \.cc stream: .*CRC/.test(error), error);
    check("no uncaught error in the decoder page", errors.length === 0, errors.join("\n"));
  } finally {
    await close();
  }
}

/** Decoding times in ms of the stream at `path`, `runs` times in one page (bench/coolchic-browser.mjs). */
export async function decodeTimes(path, runs) {
  const { page, close } = await openDecoder();
  try {
    const times = [];
    for (let i = 0; i < runs; i++) {
      await openStream(page, path);
      times.push(Number(await page.$eval("#decode-summary", (e) => e.dataset.decodeMs)));
    }
    return times;
  } finally {
    await close();
  }
}
