export { OtaPush, otaProgress, type OtaStep } from './otaPush';
