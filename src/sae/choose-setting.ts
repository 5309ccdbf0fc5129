// Which cross-validated setting to keep: the command line's final model and the web page's radius sweep both ask
// chooseSetting, so that they choose alike.
import type { SAEOptions, SAEProjection } from "./options.ts";

/** A setting that was cross-validated, and its mean accuracy over the folds × seeds. */
export interface TriedSetting {
  projection: SAEProjection;
  /** null for a setting without a radius (no projection, top-k). */
  radius: NonNullable<SAEOptions["radius"]> | null;
  accuracy: number;
}

/**
 * The setting to keep among `tried` (returned as given, with any fields of the caller's), and why, in words. The
 * run without projection is a baseline to compare with, chosen only when it is the only setting; among the others,
 * the best mean accuracy wins, and a tie goes to the smaller radius (the sparser model).
 */
export function chooseSetting<S extends TriedSetting>(tried: readonly S[]): { setting: S; choice: string } {
  const candidates = tried.filter((s) => s.projection !== "none" || tried.length === 1);
  if (!candidates.length) throw new RangeError("chooseSetting: no setting with a projection to choose from");
  if (candidates.length === 1) {
    const [setting] = candidates;
    const nested = setting.radius === "auto";
    return { setting, choice: nested ? "radius chosen inside the training samples (nested)" : "the only setting" };
  }
  // Raw radii compare with raw ones and relative with relative; anything else is no reason to prefer.
  const size = (r: S["radius"]) => (typeof r === "number" ? r : typeof r === "object" && r !== null ? r.relative : NaN);
  const smaller = (a: S, b: S) => typeof a.radius === typeof b.radius && size(b.radius) < size(a.radius);
  const better = (a: S, b: S) => b.accuracy > a.accuracy || (b.accuracy === a.accuracy && smaller(a, b));
  const setting = candidates.reduce((a, b) => (better(a, b) ? b : a));
  const choice = "best mean cross-validated accuracy of the radii tried (so that accuracy is optimistic for it)";
  return { setting, choice };
}
