// Cool-chic-lite: an overfitted image codec (Orange's Cool-chic, reduced) whose decoder runs in every runtime.
export {
  COOLCHIC_DEFAULTS,
  CorruptStreamError,
  decodeImage,
  encodeImage,
  readCoolChicHeader,
  type CoolChicHeader,
  type DecodeImageOptions,
  type EncodeImageOptions,
  type FitProgress,
  type ImagePixels,
  type SparseOptions,
} from "./codec.ts";
// Multiple-description coding: two descriptions, each decodable alone, better together.
export {
  decodeImageMdc,
  encodeImageMdc,
  MDC_DEFAULTS,
  readMdcHeader,
  type EncodeImageMdcOptions,
  type MdcFitProgress,
  type MdcHeader,
} from "./mdc.ts";
