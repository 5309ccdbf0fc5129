// The edge test's Worker: runs the shared cases through the package's workerd entry (the "workerd" export
// condition), checks that workerd refuses to compile WebAssembly from bytes (the reason that entry exists),
// and runs the uvu suite built as that entry is.
import * as sp from "sparseproj";
import { runCases } from "./cases.mjs";

// The smallest valid module: magic number and version 1.
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

async function compileFromBytes() {
  const attempt = async (how, fn) => {
    try {
      await fn();
      return { how, refused: false };
    } catch (e) {
      return { how, refused: true, error: `${e.name}: ${e.message}` };
    }
  };
  return [
    await attempt("new WebAssembly.Module(bytes)", () => new WebAssembly.Module(EMPTY_MODULE)),
    await attempt("WebAssembly.compile(bytes)", () => WebAssembly.compile(EMPTY_MODULE)),
  ];
}

// uvu writes its report with console.log, bound when its module is evaluated, so capture it before the
// import. uvu also starts its run with setTimeout during that evaluation, which workerd forbids outside a
// handler: hold the callback (uvu's exec) and await it here instead.
async function runSuite() {
  const lines = [];
  const { log } = console;
  const { setTimeout, clearTimeout } = globalThis;
  let exec;
  console.log = (...parts) => lines.push(parts.join(" "));
  globalThis.setTimeout = (fn) => ((exec = fn), 0);
  globalThis.clearTimeout = () => {};
  try {
    await import("../../build/edge/tests.mjs");
    Object.assign(globalThis, { setTimeout, clearTimeout });
    await exec();
  } finally {
    Object.assign(globalThis, { setTimeout, clearTimeout });
    console.log = log;
  }
  return lines.join("\n");
}

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === "/cases") {
      await sp.init();
      return Response.json(runCases(sp));
    }
    if (pathname === "/compile-bytes") return Response.json(await compileFromBytes());
    if (pathname === "/suite") return new Response(await runSuite());
    return new Response("not found", { status: 404 });
  },
};
