export { makeDataset, subset, split, batchTensor, type Dataset } from './dataset';
export { mnistFromDigits, loadMnist } from './mnist';
export {
  randomCrop, randomTranslation, randomRotation, randomAffine, randomFlip, randomBrightness, randomContrast,
  gaussianNoise, normalize, compose, type Transform,
} from './augment';
