// sn.image: pixels in and out of tensors.
export { filterGrid, activationGrid, type GridSource, type GridOptions, type PixelGrid } from './grid';
