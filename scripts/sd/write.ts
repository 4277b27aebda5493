// Writes SD1.5 model files with their weights in `<part>.onnx_data` (ONNX external data), appended
// as they are drawn, so that a 3.4 GB fp32 UNet never sits in memory whole and no protobuf nears 2 GB.
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type ExternalData } from '../../models/build/onnx-builder.ts';
import { type ModelOptions, type Part, buildModel } from '../../models/build/model.ts';

export interface WrittenModel {
  path: string;
  /** `<part>.onnx_data`, the name the model refers to (ORT-web's `externalData` path). */
  dataFile: string;
  modelBytes: number;
  dataBytes: number;
}

/** Writes `<dir>/<part>.onnx` and its external data file `<dir>/<part>.onnx_data`. */
export function writeModel(dir: string, part: Part, o: Omit<ModelOptions, 'external'>): WrittenModel {
  const dataFile = `${part}.onnx_data`;
  const fd = openSync(join(dir, dataFile), 'w');
  let offset = 0;
  try {
    const external: ExternalData = {
      location: dataFile,
      append(bytes) {
        for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
        offset += bytes.length;
        return offset - bytes.length;
      },
    };
    const model = buildModel(part, { ...o, external });
    const path = join(dir, `${part}.onnx`);
    writeFileSync(path, model);
    return { path, dataFile, modelBytes: model.length, dataBytes: offset };
  } finally {
    closeSync(fd);
  }
}
