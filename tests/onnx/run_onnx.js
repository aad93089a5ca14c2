// Runs an ONNX file in onnxruntime-node (CPU) on float32 inputs, for the `nnlab export` tests.
// usage: node run_onnx.js MODEL.onnx INPUTS.f32 DIMS OUT_PREFIX
//   INPUTS.f32: little-endian float32 rows; DIMS: the input's shape, e.g. 64x784 or 64x1x28x28.
// Writes OUT_PREFIX<output>.f32 for every output of the model, and prints each output's name and
// shape, one a line.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [model, inputs, dims, prefix] = process.argv.slice(2);
  const shape = dims.split('x').map(Number);
  const bytes = fs.readFileSync(inputs);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const session = await ort.InferenceSession.create(model, {executionProviders: ['cpu']});
  const results = await session.run({input: new ort.Tensor('float32', data, shape)});
  for (const name of session.outputNames) {
    const tensor = results[name];
    fs.writeFileSync(prefix + name + '.f32', Buffer.from(tensor.data.buffer, tensor.data.byteOffset,
                                                         tensor.data.byteLength));
    console.log(name + ' ' + tensor.dims.join('x'));
  }
}

main().catch((e) => {
  console.error('run_onnx: ' + e.message);
  process.exit(1);
});
