// An Observable Plot figure as a standalone SVG string, drawn on a server-side DOM (linkedom): the bench reports'
// figures (docs/conv/, docs/coolchic/).
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

export function plotSvg(options) {
  const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>");
  const svg = Plot.plot({ ...options, document });
  svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  return svg.outerHTML.replace("<svg", '<svg style="background:white"') + "\n";
}
