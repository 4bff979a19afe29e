// Writes tfjs_reference.json: inputs, weights and the outputs TensorFlow.js (@tensorflow/tfjs
// 4.22.0, pure-JS cpu backend) computes for small LSTM, GRU, SimpleRNN, Bidirectional, Conv1D,
// Embedding(mask_zero) and Masking cases. tests/core/tst_tfjs_reference.cpp rebuilds each case
// with AttnLens from the Keras-form config and compares the outputs.
//
// Run (outside the repository; node_modules is not committed):
//   mkdir /tmp/tfjsref && cd /tmp/tfjsref && npm install @tensorflow/tfjs@4.22.0
//   node /path/to/make_tfjs_reference.mjs /path/to/tests/data/tfjs/tfjs_reference.json
//
// Every weight and input is a float32 drawn from a fixed-seed generator, so the file is the same
// on every run. Layout of the JSON: {"tfjs_version", "backend", "cases": {name: case}}; a case is
//   {"note", "stages": [{"class_name", "config" (Keras snake_case form), "keras_version",
//                        "weights": [tensor]}],
//    "inputs": [{"parameter", "tensor", "mask": tensor | null}],
//    "outputs": [tensor], "output_masks": [tensor | null]}
// with tensor = {"shape": [...], "data": [... row-major ...]}. Stage k+1 takes stage k's first
// output and its mask. "keras_version" is 2.15.0 where a case uses hard_sigmoid: tfjs computes
// Keras 2's clip(0.2 x + 0.5, 0, 1), not Keras 3's relu6(x + 3) / 6.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(process.cwd() + '/');
const tf = require('@tensorflow/tfjs');

await tf.setBackend('cpu');

// ------------------------------------------------------------------ deterministic data
let seed = 20251126;
function uniform() { // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function rnd(shape, scale = 0.5) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; ++i) data[i] = Math.fround((uniform() * 2 - 1) * scale);
    return tf.tensor(data, shape, 'float32');
}
function json(t) {
    if (t == null) return null;
    return { shape: t.shape, data: Array.from(t.dataSync()) };
}

const CASES = {};
function record(name, note, stages, inputs, outputs, outputMasks) {
    CASES[name] = {
        note,
        stages: stages.map(s => ({
            class_name: s.className, config: s.config, keras_version: s.kerasVersion || '3.10.0',
            weights: s.weights.map(json),
        })),
        inputs: inputs.map(i => ({ parameter: i.parameter, tensor: json(i.tensor), mask: json(i.mask) })),
        outputs: outputs.map(json),
        output_masks: outputMasks.map(json),
    };
}
const asList = x => (Array.isArray(x) ? x : [x]);

// ------------------------------------------------------------------ recurrent layers
const F = 3, U = 4, N = 2, T = 6;
const xs = rnd([N, T, F], 1.0);
const seqMask = tf.tensor([[1, 1, 1, 0, 1, 0], [0, 1, 1, 1, 1, 1]], [N, T], 'float32');

const TFJS_ACT = { tanh: 'tanh', sigmoid: 'sigmoid', hard_sigmoid: 'hardSigmoid', relu: 'relu',
                   linear: 'linear', elu: 'elu', softsign: 'softsign' };
const FACTORY = { LSTM: tf.layers.lstm, GRU: tf.layers.gru, SimpleRNN: tf.layers.simpleRNN };
const GATES = { LSTM: 4, GRU: 3, SimpleRNN: 1 };

function rnnKerasConfig(cls, o) {
    const c = { name: cls.toLowerCase(), units: o.units, activation: o.activation,
                use_bias: o.useBias, return_sequences: o.returnSequences,
                return_state: o.returnState, go_backwards: o.goBackwards, unroll: false };
    if (cls !== 'SimpleRNN') c.recurrent_activation = o.recurrentActivation;
    if (cls === 'GRU') c.reset_after = false; // tfjs GRUCell throws on reset_after=true
    return c;
}

function rnnOptions(o) {
    return Object.assign({ units: U, activation: 'tanh', recurrentActivation: 'sigmoid',
                           useBias: true, returnSequences: false, returnState: false,
                           goBackwards: false }, o);
}

function makeRnn(cls, o) {
    const args = { units: o.units, activation: TFJS_ACT[o.activation], useBias: o.useBias,
                   returnSequences: o.returnSequences, returnState: o.returnState,
                   goBackwards: o.goBackwards };
    if (cls !== 'SimpleRNN') args.recurrentActivation = TFJS_ACT[o.recurrentActivation];
    return FACTORY[cls](args);
}

function rnnWeights(cls, units, features, useBias, scale = 0.5) {
    const g = GATES[cls];
    const w = [rnd([features, g * units], scale), rnd([units, g * units], scale)];
    if (useBias) w.push(rnd([g * units], scale));
    return w;
}

function usesHardSigmoid(o) {
    return o.activation === 'hard_sigmoid' || o.recurrentActivation === 'hard_sigmoid';
}

function rnnCase(name, note, cls, opts, mask = null, initialState = null) {
    const o = rnnOptions(opts);
    const layer = makeRnn(cls, o);
    const weights = rnnWeights(cls, o.units, F, o.useBias);
    layer.apply(xs); // builds the weights
    layer.setWeights(weights);
    const kwargs = {};
    if (mask) kwargs.mask = mask;
    if (initialState) kwargs.initialState = initialState;
    const outs = asList(layer.apply(xs, kwargs));
    let outMask = mask ? layer.computeMask(xs, mask) : null;
    outMask = asList(outMask);
    const outMasks = outs.map((_, i) => (outMask[i] ? tf.cast(outMask[i], 'float32') : null));
    const inputs = [{ parameter: 'sequences', tensor: xs, mask }];
    if (initialState)
        for (const s of initialState) inputs.push({ parameter: 'initial_state', tensor: s, mask: null });
    record(name, note,
           [{ className: cls, config: rnnKerasConfig(cls, o), weights,
              kerasVersion: usesHardSigmoid(o) ? '2.15.0' : undefined }],
           inputs, outs, outMasks);
}

rnnCase('lstm_last', 'LSTM, defaults of Keras (tanh / sigmoid), last output only',
        'LSTM', {});
rnnCase('lstm_sequences', 'LSTM return_sequences', 'LSTM', { returnSequences: true });
rnnCase('lstm_state_backwards', 'LSTM go_backwards + return_state: [output, h, c]', 'LSTM',
        { goBackwards: true, returnState: true });
rnnCase('lstm_sequences_state', 'LSTM return_sequences + return_state', 'LSTM',
        { returnSequences: true, returnState: true });
rnnCase('lstm_relu_hard_sigmoid_no_bias',
        'LSTM activation relu, recurrent_activation hard_sigmoid (Keras 2 formula 0.2x+0.5), no bias',
        'LSTM', { activation: 'relu', recurrentActivation: 'hard_sigmoid', useBias: false,
                  returnSequences: true });
rnnCase('lstm_masked_sequences_state',
        'LSTM with an explicit mask (leading and inner masked steps), return_sequences + return_state',
        'LSTM', { returnSequences: true, returnState: true }, seqMask);
rnnCase('lstm_masked_backwards', 'LSTM with a mask and go_backwards, last output', 'LSTM',
        { goBackwards: true }, seqMask);
rnnCase('lstm_initial_state', 'LSTM with initial_state [h0, c0], return_state', 'LSTM',
        { returnState: true }, null, [rnd([N, U]), rnd([N, U])]);

rnnCase('gru_reset_before_sequences', 'GRU reset_after=false (the only form tfjs has), sequences',
        'GRU', { returnSequences: true });
rnnCase('gru_reset_before_state_backwards', 'GRU reset_after=false, go_backwards + return_state',
        'GRU', { goBackwards: true, returnState: true });
rnnCase('gru_reset_before_hard_sigmoid_masked',
        'GRU reset_after=false, recurrent_activation hard_sigmoid (Keras 2 formula), masked sequences',
        'GRU', { recurrentActivation: 'hard_sigmoid', returnSequences: true }, seqMask);
rnnCase('gru_reset_before_no_bias_softsign', 'GRU reset_after=false, no bias, activation softsign',
        'GRU', { useBias: false, activation: 'softsign' });

rnnCase('simple_rnn_last', 'SimpleRNN tanh, last output', 'SimpleRNN', {});
rnnCase('simple_rnn_relu_sequences_backwards_state',
        'SimpleRNN relu, return_sequences + go_backwards + return_state', 'SimpleRNN',
        { activation: 'relu', returnSequences: true, goBackwards: true, returnState: true });
rnnCase('simple_rnn_elu_masked_sequences', 'SimpleRNN elu, masked, return_sequences', 'SimpleRNN',
        { activation: 'elu', returnSequences: true }, seqMask);

// ------------------------------------------------------------------ Bidirectional
function bidiCase(name, note, cls, opts, mergeMode, mask = null) {
    const o = rnnOptions(opts);
    const layer = tf.layers.bidirectional({ layer: makeRnn(cls, o), mergeMode });
    const wf = rnnWeights(cls, o.units, F, o.useBias);
    const wb = rnnWeights(cls, o.units, F, o.useBias);
    layer.apply(xs);
    layer.setWeights([...wf, ...wb]);
    const outs = asList(layer.apply(xs, mask ? { mask } : {}));
    const outMask = asList(mask ? layer.computeMask(xs, mask) : null);
    const outMasks = outs.map((_, i) => (outMask[i] ? tf.cast(outMask[i], 'float32') : null));
    const config = { name: 'bidirectional', merge_mode: mergeMode,
                     layer: { module: 'keras.layers', class_name: cls, registered_name: null,
                              config: rnnKerasConfig(cls, o) } };
    record(name, note,
           [{ className: 'Bidirectional', config, weights: [...wf, ...wb],
              kerasVersion: usesHardSigmoid(o) ? '2.15.0' : undefined }],
           [{ parameter: 'sequences', tensor: xs, mask }], outs, outMasks);
}

bidiCase('bidi_lstm_concat_sequences', 'Bidirectional(LSTM return_sequences), merge concat',
         'LSTM', { returnSequences: true }, 'concat');
bidiCase('bidi_lstm_sum_sequences', 'Bidirectional(LSTM return_sequences), merge sum', 'LSTM',
         { returnSequences: true }, 'sum');
bidiCase('bidi_lstm_concat_last_masked',
         'Bidirectional(LSTM), last output, merge concat, with a mask (no masked sequence outputs)',
         'LSTM', {}, 'concat', seqMask);
bidiCase('bidi_gru_sum_state', 'Bidirectional(GRU reset_after=false, return_state), merge sum',
         'GRU', { returnState: true }, 'sum');
bidiCase('bidi_gru_concat_sequences_hard_sigmoid',
         'Bidirectional(GRU reset_after=false, hard_sigmoid Keras 2, return_sequences), concat',
         'GRU', { returnSequences: true, recurrentActivation: 'hard_sigmoid' }, 'concat');

// ------------------------------------------------------------------ Conv1D
const TFJS_CONV_ACT = { linear: 'linear', relu: 'relu', tanh: 'tanh', gelu: 'gelu', elu: 'elu',
                        selu: 'selu', swish: 'swish', softplus: 'softplus' };
function convCase(name, note, length, cin, filters, k, o = {}) {
    const stride = o.stride || 1, padding = o.padding || 'valid', dilation = o.dilation || 1;
    const useBias = o.useBias !== false, act = o.activation || 'linear';
    const x = rnd([N, length, cin], 1.0);
    // tfjs 4.22 refuses padding 'causal' in Conv1D (NotImplementedError in conv1dWithBias), so a
    // causal case is computed as Keras defines it: dilation * (kernel - 1) zeros on the left of
    // the time axis (tf.pad), then a 'valid' tfjs Conv1D. The recorded config says 'causal'.
    const causal = padding === 'causal';
    const layer = tf.layers.conv1d({ filters, kernelSize: k, strides: stride,
                                     padding: causal ? 'valid' : padding,
                                     dilationRate: dilation, useBias,
                                     activation: TFJS_CONV_ACT[act] });
    const weights = [rnd([k, cin, filters])];
    if (useBias) weights.push(rnd([filters]));
    const xin = causal ? tf.pad(x, [[0, 0], [dilation * (k - 1), 0], [0, 0]]) : x;
    layer.apply(xin);
    layer.setWeights(weights);
    const y = layer.apply(xin);
    const config = { name: 'conv1d', filters, kernel_size: [k], strides: [stride], padding,
                     dilation_rate: [dilation], groups: 1, use_bias: useBias, activation: act,
                     data_format: 'channels_last' };
    record(name, note, [{ className: 'Conv1D', config, weights }],
           [{ parameter: 'inputs', tensor: x, mask: null }], [y], [null]);
}

convCase('conv1d_valid', 'Conv1D padding valid, kernel 3', 7, 3, 4, 3);
convCase('conv1d_valid_stride2_tanh', 'Conv1D valid, strides 2, tanh', 8, 3, 4, 3,
         { stride: 2, activation: 'tanh' });
convCase('conv1d_same_stride2_relu', 'Conv1D padding same, strides 2, relu', 7, 3, 5, 4,
         { stride: 2, padding: 'same', activation: 'relu' });
convCase('conv1d_same_dilated_gelu', 'Conv1D same, dilation_rate 2, gelu (erf form)', 9, 2, 3, 3,
         { padding: 'same', dilation: 2, activation: 'gelu' });
convCase('conv1d_causal_dilated_elu', 'Conv1D causal (tfjs: tf.pad + valid), dilation_rate 3, elu', 10, 3, 4, 2,
         { padding: 'causal', dilation: 3, activation: 'elu' });
convCase('conv1d_causal_stride3_no_bias_selu', 'Conv1D causal (tfjs: tf.pad + valid), strides 3, no bias, selu', 8, 2, 3,
         3, { padding: 'causal', stride: 3, useBias: false, activation: 'selu' });
convCase('conv1d_valid_dilated_swish', 'Conv1D valid, dilation_rate 2, swish', 9, 4, 2, 3,
         { dilation: 2, activation: 'swish' });
convCase('conv1d_same_k1_softplus', 'Conv1D kernel 1, same, softplus', 5, 3, 3, 1,
         { padding: 'same', activation: 'softplus' });

// ------------------------------------------------------------------ masks from Embedding / Masking
{
    const V = 7, D = 4;
    const ids = tf.tensor([[3, 1, 0, 0, 0], [6, 2, 5, 4, 0], [0, 0, 2, 6, 1]], [3, 5], 'float32');
    const E = rnd([V, D]);
    const inp = tf.input({ shape: [5] });
    const emb = tf.layers.embedding({ inputDim: V, outputDim: D, maskZero: true });
    const lstm = makeRnn('LSTM', rnnOptions({ returnSequences: true, units: 5 }));
    const gru = makeRnn('GRU', rnnOptions({ units: 3 }));
    const model = tf.model({ inputs: inp, outputs: gru.apply(lstm.apply(emb.apply(inp))) });
    emb.setWeights([E]);
    const wl = rnnWeights('LSTM', 5, D, true);
    lstm.setWeights(wl);
    const wg = rnnWeights('GRU', 3, 5, true);
    gru.setWeights(wg);
    const y = model.predict(ids);
    record('embedding_mask_zero_lstm_gru',
           'Embedding(mask_zero) -> LSTM(return_sequences) -> GRU(reset_after=false): the mask flows',
           [{ className: 'Embedding', weights: [E],
              config: { name: 'embedding', input_dim: V, output_dim: D, mask_zero: true } },
            { className: 'LSTM', weights: wl,
              config: rnnKerasConfig('LSTM', rnnOptions({ returnSequences: true, units: 5 })) },
            { className: 'GRU', weights: wg, config: rnnKerasConfig('GRU', rnnOptions({ units: 3 })) }],
           [{ parameter: 'inputs', tensor: ids, mask: null }], [y], [null]);
}
{
    const x = rnd([N, T, F], 1.0).arraySync();
    x[0][1] = [0, 0, 0];
    x[0][5] = [0, 0, 0];
    x[1][0] = [0, 0, 0];
    x[1][2][1] = 0; // one zero feature alone does not mask the step
    const xt = tf.tensor(x, [N, T, F], 'float32');
    const inp = tf.input({ shape: [T, F] });
    const masking = tf.layers.masking({ maskValue: 0 });
    const o = rnnOptions({ activation: 'relu', returnSequences: true });
    const rnn = makeRnn('SimpleRNN', o);
    const bidi = tf.layers.bidirectional({ layer: makeRnn('LSTM', rnnOptions({ units: 2 })),
                                           mergeMode: 'concat' });
    const model = tf.model({ inputs: inp, outputs: bidi.apply(rnn.apply(masking.apply(inp))) });
    const ws = rnnWeights('SimpleRNN', U, F, true);
    rnn.setWeights(ws);
    const wb = [...rnnWeights('LSTM', 2, U, true), ...rnnWeights('LSTM', 2, U, true)];
    bidi.setWeights(wb);
    const y = model.predict(xt);
    record('masking_simple_rnn_bidi_lstm',
           'Masking(0) -> SimpleRNN(relu, return_sequences) -> Bidirectional(LSTM) concat, last outputs',
           [{ className: 'Masking', weights: [], config: { name: 'masking', mask_value: 0.0 } },
            { className: 'SimpleRNN', weights: ws, config: rnnKerasConfig('SimpleRNN', o) },
            { className: 'Bidirectional', weights: wb,
              config: { name: 'bidirectional', merge_mode: 'concat',
                        layer: { module: 'keras.layers', class_name: 'LSTM', registered_name: null,
                                 config: rnnKerasConfig('LSTM', rnnOptions({ units: 2 })) } } }],
           [{ parameter: 'inputs', tensor: xt, mask: null }], [y], [null]);
}

const out = { tfjs_version: tf.version.tfjs, backend: tf.getBackend(), cases: CASES };
const path = process.argv[2] || 'tfjs_reference.json';
writeFileSync(path, JSON.stringify(out) + '\n');
console.log(`${Object.keys(CASES).length} cases, tfjs ${tf.version.tfjs} (${tf.getBackend()}) -> ${path}`);
