export { makeDataset, subset, split, batchTensor, type Dataset, type LazyDataset, type Sample } from './dataset';
export { imageFolder, type ImageFolderOptions } from './folder';
export { mnistFromDigits, loadMnist } from './mnist';
export {
  randomCrop, randomTranslation, randomRotation, randomAffine, randomFlip, randomBrightness, randomContrast,
  gaussianNoise, normalize, compose, type Transform, type AugmentOptions,
} from './augment';
