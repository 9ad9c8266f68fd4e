// simgen's training kernels for tfjs-wasm (compiled by `npm run build:wasm`). The module imports the
// backend's memory and works on its tensors where they are: no allocation and no data segments
// (a data segment would overwrite the backend's own memory at instantiation).
export { gemmNN, gemmNT } from './gemm';
export { adamUpdate } from './adam';
export { actGrad, biasAct, colSum } from './activation';
export { mseGrad, mseLoss } from './loss';
export { denseForward, denseGradW, denseGradX, mseStep, perSampleBackward, perSampleForward, transpose } from './step';
export { maddFuses } from './fma';
