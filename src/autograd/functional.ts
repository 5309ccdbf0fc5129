// The differentiable functions in one namespace (PyTorch's torch.* and torch.nn.functional, as `F`).
export { add, sub, mul, div, neg, exp, log, relu, silu, tanh, sigmoid, matmul, linear, sum, mean, reshape, indexRows, type MatmulOptions, type Operand } from "./ops.ts";
export { crossEntropy, smoothL1Loss, huberLoss, mseLoss, l1Norm, type CrossEntropyOptions, type SmoothL1Options, type HuberOptions, type Reduction } from "./losses.ts";
export { huberEnergyLoss } from "./energy.ts";
export { conv2d, upsampleNearest, type Conv2dOptions } from "./conv.ts";
