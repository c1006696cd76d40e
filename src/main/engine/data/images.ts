// A folder of images, one sub-folder per class, as Keras's image_dataset_from_directory reads it: classes numbered in
// the sorted order of the sub-folder names; every image in a class folder (its sub-folders too) with a .png, .jpg,
// .jpeg, .bmp or .gif name; each decoded (PNG, JPEG, GIF by sharp, BMP here), converted to the model input's channels
// and resized bilinearly to its height and width (see imageResize). Images are decoded a chunk at a time, when read.
import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { BmpError, decodeBmp, isBmp, type DecodedImage } from '../../../shared/engine/bmp';
import { convertChannels, resizeBilinear } from '../../../shared/engine/imageResize';
import { FileReadError, readRegularFile } from '../../files/readFile';
import { DataError, type DataSet, type Labels } from './dataSet';
import { throughNativeGate } from '../nativeGate';

export const IMAGE_EXTENSIONS = ['.bmp', '.gif', '.jpeg', '.jpg', '.png'];
/** One image file is at most this big: 256 MiB. */
const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;
/** Images decoded at once (sharp decodes on libuv's thread pool). */
const PARALLEL_DECODES = 8;

/** Python's sorted() on str: by code point (JavaScript's default sort compares UTF-16 units). */
const byCodePoint = (a: string, b: string): number => {
  const x = [...a].map((ch) => ch.codePointAt(0) as number);
  const y = [...b].map((ch) => ch.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
};

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The image files under `folder`, at any depth, in sorted order. */
function imagesUnder(folder: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(folder).sort(byCodePoint)) {
    const path = join(folder, name);
    if (isDirectory(path)) out.push(...imagesUnder(path));
    else if (IMAGE_EXTENSIONS.includes(extname(name).toLowerCase())) out.push(path);
  }
  return out;
}

export interface ImageFolder {
  classNames: string[];
  files: string[];
  classes: Int32Array;
}

/** Lists a class-per-folder image directory; a folder without classes or a class without images is an error. */
export function listImageFolder(folder: string): ImageFolder {
  const classNames = readdirSync(folder).filter((n) => isDirectory(join(folder, n))).sort(byCodePoint);
  if (classNames.length === 0) {
    throw new DataError(folder, 'holds no sub-folders: a folder of images needs one sub-folder per class (e.g. cat/, dog/), each holding that class\'s images');
  }
  const files: string[] = [];
  const classes: number[] = [];
  classNames.forEach((name, index) => {
    const found = imagesUnder(join(folder, name));
    if (found.length === 0) {
      throw new DataError(join(folder, name), `the folder of class ${index} (${name}) holds no image (${IMAGE_EXTENSIONS.join(', ')})`);
    }
    files.push(...found);
    for (let i = 0; i < found.length; i++) classes.push(index);
  });
  return { classNames, files, classes: Int32Array.from(classes) };
}

/** An image file's pixels: width, height, its own channels, 0..255 (16-bit images scaled down). */
export async function decodeImage(path: string): Promise<DecodedImage> {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(path, MAX_IMAGE_FILE_BYTES);
  } catch (error) {
    if (error instanceof FileReadError) throw new DataError(path, error.reason);
    throw error;
  }
  if (isBmp(bytes)) {
    try {
      return decodeBmp(bytes);
    } catch (error) {
      if (error instanceof BmpError) throw new DataError(path, `cannot be decoded as BMP: ${error.message}`);
      throw error;
    }
  }
  // Loaded when an image is first decoded: its native library costs nothing to runs on arrays.
  const sharp = (await import('sharp')).default;
  // sharp decodes on threads of its own: a worker thread must not be ended while it does (nativeGate.ts).
  return throughNativeGate(async () => {
    try {
      const image = sharp(bytes, { failOn: 'error' });
      // sharp hands out sRGB unless told: a grey image is kept grey (its alpha dropped), and a CMYK JPEG, whose 4
      // channels are not RGBA, is made sRGB.
      const meta = await image.metadata();
      if (meta.space === 'cmyk') image.toColourspace('srgb');
      else if ((meta.channels ?? 3) <= 2) image.toColourspace('b-w');
      const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
      const values =
        (info as { depth?: string }).depth === 'ushort'
          ? Uint8Array.from(new Uint16Array(data.buffer, data.byteOffset, data.length / 2), (v) => Math.round(v / 257))
          : new Uint8Array(data.buffer, data.byteOffset, data.length);
      return { width: info.width, height: info.height, channels: info.channels, data: values };
    } catch (error) {
      throw new DataError(path, `cannot be decoded as an image (${(error as Error).message})`);
    }
  });
}

/** An image as the input takes it: `to` channels, height × width, float values on 0..255. */
export function fitImage(image: DecodedImage, height: number, width: number, to: number, path: string): Float32Array {
  const converted = convertChannels(image.data, image.width * image.height, image.channels, to);
  if (!converted) throw new DataError(path, `the model input takes ${to} channels; images give 1 (grey), 3 (RGB) or 4 (RGBA)`);
  if (image.height === height && image.width === width) return converted;
  return resizeBilinear(converted, image.height, image.width, to, height, width);
}

/**
 * The images of a class-per-folder directory as samples of `inputShape` (H × W × C, or H × W for one channel), with
 * their classes as labels.
 */
export function imageFolderDataSet(folder: string, inputShape: readonly number[]): DataSet {
  if (inputShape.length !== 3 && inputShape.length !== 2) {
    throw new DataError(folder, `a folder of images feeds an image input (height × width × channels); the model input takes (${inputShape.join(', ')})`);
  }
  const [height, width] = inputShape;
  const channels = inputShape.length === 3 ? inputShape[2] : 1;
  if (![1, 3, 4].includes(channels)) {
    throw new DataError(folder, `the model input takes ${channels} channels; images give 1 (grey), 3 (RGB) or 4 (RGBA)`);
  }
  const listed = listImageFolder(folder);
  const per = height * width * channels;
  const labels: Labels = {
    file: folder,
    count: listed.files.length,
    shape: [],
    values: Float64Array.from(listed.classes),
    classes: listed.classes,
    oneHot: false,
  };
  return {
    kind: 'images',
    source: folder,
    count: listed.files.length,
    sampleShape: [...inputShape],
    dtype: 'float32',
    codeRange: [0, 255],
    labels,
    classNames: listed.classNames,
    bytes: listed.files.length * per * 4,
    async read(start, count) {
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0 || start + count > listed.files.length) {
        throw new RangeError(`${folder}: images ${start} to ${start + count - 1} asked for; it holds ${listed.files.length}`);
      }
      const out = new Float32Array(count * per);
      for (let from = 0; from < count; from += PARALLEL_DECODES) {
        const batch = Array.from({ length: Math.min(PARALLEL_DECODES, count - from) }, (_, i) => start + from + i);
        // A problem names the image file and its sample number (its place in the sorted listing).
        const withSample = (index: number) => (error: unknown) => {
          if (error instanceof DataError) throw new DataError(error.file, `${error.reason} (sample ${index}, ${relative(folder, error.file)})`);
          throw error;
        };
        const decoded = await Promise.all(batch.map((index) => decodeImage(listed.files[index]).catch(withSample(index))));
        decoded.forEach((image, i) => {
          try {
            out.set(fitImage(image, height, width, channels, listed.files[batch[i]]), (from + i) * per);
          } catch (error) {
            withSample(batch[i])(error);
          }
        });
      }
      return { dtype: 'float32', shape: [count, ...inputShape], data: out };
    },
    close: () => undefined,
  };
}
