export { createSysBus } from './createSysBus';
export { type SysBus, type SysBusFailure, type SysBusHandler, type SysBusOptions } from './SysBus';
