// sparseproj/tfjs: the package's projections as TensorFlow.js constraints that are applied while training (tfjs's
// own optimizers never apply a kernelConstraint), and double descent (project once, hold the zeros) for tfjs models.
// tfjs is the caller's: @tensorflow/tfjs-core and @tensorflow/tfjs-layers are peer dependencies.
export {
  ProjectionConstraint,
  BilevelL1Inf,
  BilevelL11,
  BilevelL12,
  L1Inf,
  L1Ball,
  Mask,
  type RadiusArgs,
  type MatrixConstraintArgs,
  type MaskArgs,
} from "./constraints.ts";
export {
  ModelConstraints,
  snapshotWeights,
  type ConstrainedWeight,
  type ProjectAndMaskOptions,
  type EnforcementTiming,
} from "./model-constraints.ts";
export { ConstraintCallback, minimizeConstrained, type ConstraintCallbackOptions } from "./training.ts";
export type { WritePath } from "./storage.ts";
