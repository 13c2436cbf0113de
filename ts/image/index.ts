// sn.image: pixels in and out of tensors.
export { filterGrid, activationGrid, type GridSource, type GridOptions, type PixelGrid } from './grid';
export { fromPixels, toPixels, type RawPixels, type PixelSource, type PixelImage, type FromPixelsOptions, type ToPixelsOptions } from './pixels';
export { decode } from './decode';
export { grayscale, normalize, resize, type ImageResizeOptions } from './transform';
