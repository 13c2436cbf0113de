// A folder of images, one sub-folder per class (torchvision's ImageFolder, Keras'
// image_dataset_from_directory), read and decoded one sample at a time. Node, Deno and Bun.
import { opError, fmtShape } from '../backend/index';
import { decodePixels } from '../image/decode';
import type { FromPixelsOptions } from '../image/pixels';
import type { LazyDataset } from './dataset';

/** imageFolder's options: the file endings read and the channels of the images. */
export interface ImageFolderOptions extends FromPixelsOptions {
  /** File name endings read (case-insensitive); default .png, .jpg, .jpeg. */
  extensions?: string[];
}

/**
 * The images under `dir/<class>/`, classes numbered in sorted order of the sub-folder
 * names. Lists the files now and decodes the first to learn the sample shape; every other
 * image is read and decoded when fit or evaluate asks for it. All images must have that
 * shape (and `channels`, if given, makes them agree on channels).
 *
 * @example
 * ```ts reads files
 * // photos/cat/*.jpg, photos/dog/*.jpg, all 64×64
 * const photos = await sn.data.imageFolder('photos', { channels: 3 });
 * console.log(photos.classes, photos.length, photos.sampleShape); // ['cat', 'dog'] … [64, 64, 3]
 * const model = sn.nn.models.resnet18({ classes: photos.classes.length });
 * await sn.fit(model, photos, { epochs: 5, optimizer: new sn.optim.Adam(model.parameters()) });
 * ```
 */
export async function imageFolder(dir: string, options: ImageFolderOptions = {}): Promise<LazyDataset & {
  /** The class names (sub-folders), in label order. */
  classes: string[];
  /** Every image file's path. */
  files: string[];
  /** Every file's class index. */
  labels: Int32Array;
}> {
  const op = 'imageFolder';
  const fs = await import('node:fs/promises');
  const { join } = await import('node:path');
  const exts = (options.extensions ?? ['.png', '.jpg', '.jpeg']).map((e) => e.toLowerCase());
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw opError(op, `cannot read the folder '${dir}': ${(e as Error).message}`);
  }
  const classes = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (classes.length === 0) throw opError(op, `'${dir}' has no sub-folders: put each class's images in a sub-folder named after it`);
  const files: string[] = [];
  const labels: number[] = [];
  for (const [label, name] of classes.entries()) {
    const names = (await fs.readdir(join(dir, name))).filter((f) => exts.some((e) => f.toLowerCase().endsWith(e))).sort();
    for (const f of names) {
      files.push(join(dir, name, f));
      labels.push(label);
    }
  }
  if (files.length === 0) throw opError(op, `no ${exts.join(', ')} files in the sub-folders of '${dir}'`);
  const read = async (i: number) => decodePixels(`${op}: ${files[i]}`, await fs.readFile(files[i]), options);
  const first = await read(0);
  const sampleShape = [first.height, first.width, first.channels];
  return {
    length: files.length,
    sampleShape,
    classes,
    files,
    labels: Int32Array.from(labels),
    async get(i: number) {
      if (!Number.isInteger(i) || i < 0 || i >= files.length) throw opError(op, `sample index ${i} is not in [0, ${files.length})`);
      const p = i === 0 ? first : await read(i);
      const shape = [p.height, p.width, p.channels];
      if (shape.some((d, k) => d !== sampleShape[k]))
        throw opError(op, `'${files[i]}' is ${fmtShape(shape)} (H, W, C), the first image ${fmtShape(sampleShape)}: all images must have one size${p.channels !== sampleShape[2] ? " (pass { channels } to convert them)" : ''}`);
      return { x: p.values, y: labels[i] };
    },
  };
}
