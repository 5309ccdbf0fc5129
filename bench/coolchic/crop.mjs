// The measurements' images: 256 × 256 centre crops of scikit-image's photographs (Debian's python3-skimage,
// public domain), read through Debian's Python.
import { execFileSync } from "node:child_process";

export const SIDE = 256;

/** The centre SIDE × SIDE crop of skimage.data.<name>(), as { width, height, channels, data }. */
export function crop(name) {
  const script = `
import sys, numpy as np
from skimage import data
im = getattr(data, sys.argv[1])()
h, w = im.shape[:2]; y, x = (h - ${SIDE}) // 2, (w - ${SIDE}) // 2
c = im[y:y + ${SIDE}, x:x + ${SIDE}]
sys.stdout.buffer.write(bytes([c.ndim == 3 and 3 or 1]) + np.ascontiguousarray(c, dtype=np.uint8).tobytes())`;
  const out = execFileSync("/usr/bin/python3", ["-c", script, name], { maxBuffer: 1 << 24 });
  return { width: SIDE, height: SIDE, channels: out[0], data: new Uint8Array(out.subarray(1)) };
}
