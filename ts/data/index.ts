export { makeDataset, subset, split, batchTensor, type Dataset } from './dataset';
export { mnistFromDigits, loadMnist } from './mnist';
export {
  randomCrop, randomTranslation, randomRotation, randomFlip, randomBrightness, randomContrast,
  gaussianNoise, compose, type Transform,
} from './augment';
