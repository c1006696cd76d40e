"""Writes the .npy/.npz files the numpy reader and writer are tested against (test/fixtures/npy/), each made by
numpy itself, so the tests compare with numpy's own bytes without running Python.

    python3 scripts/make-npy-fixtures.py

Every array is small and deterministic: re-running the script rewrites the same .npy bytes (the files in the
repository were made with numpy 2.4); the .npz archives differ only in their entries' timestamps.
"""
import io
import json
import os
import warnings
import zipfile

import numpy as np
from numpy.lib import format as npformat

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'npy')

# (name, dtype) of every dtype the reader supports; multi-byte ones are also written big-endian.
DTYPES = [
    ('bool', '|b1'), ('int8', '|i1'), ('uint8', '|u1'), ('int16', '<i2'), ('uint16', '<u2'),
    ('int32', '<i4'), ('uint32', '<u4'), ('int64', '<i8'), ('uint64', '<u8'),
    ('float16', '<f2'), ('float32', '<f4'), ('float64', '<f8'),
]


def values(name, dtype, shape):
    """Values that reach each type's edges: its minimum and maximum, zero, negatives, and for floats NaN, ±Inf."""
    n = int(np.prod(shape))
    dt = np.dtype(dtype)
    if name == 'bool':
        flat = np.array([(i * 7) % 3 == 0 for i in range(n)])
    elif dt.kind in 'iu':
        info = np.iinfo(dt)
        edge = [info.min, info.max, 0, 1, info.max - 1, info.min + 1 if info.min else 2]
        flat = np.array([edge[i] if i < len(edge) else (i * 37) % 100 - (50 if info.min else 0) for i in range(n)],
                        dtype=dt)
    else:
        info = np.finfo(dt)
        edge = [np.nan, np.inf, -np.inf, 0.0, -0.0, info.max, info.tiny, -1.5, info.smallest_subnormal, 1 / 3]
        flat = np.array([edge[i] if i < len(edge) else (i - n / 2) / 7 for i in range(n)], dtype=dt)
    return flat.astype(dt).reshape(shape)


# What each readable file holds, for the tests: dtype name, shape and every value in C order as text (integers
# exactly, floats as Python's repr of the value as a double: 'nan', 'inf', '-0.0' included).
EXPECTED = {}


def save(name, array, version=None):
    path = os.path.join(OUT, name)
    with open(path, 'wb') as f:
        npformat.write_array(f, array, version=version)
    if array.dtype.kind in 'biuf' and array.dtype.names is None:
        flat = np.ascontiguousarray(array).reshape(-1)
        EXPECTED[name] = {
            'dtype': array.dtype.name,
            'shape': list(array.shape),
            'values': [str(int(v)) if array.dtype.kind in 'biu' else repr(float(v)) for v in flat],
        }
    print(f'wrote {name} ({os.path.getsize(path)} bytes)')


def padding_quirk_shape():
    """A shape whose header, newline included, ends exactly on a 64-byte boundary before padding: numpy then pads
    a further 64 bytes instead of none (`ARRAY_ALIGN - (length % ARRAY_ALIGN)`), which a writer must copy. The first
    axis is 0, so the file is its header alone."""
    for extra in range(0, 20):
        for tens in range(0, extra + 1):
            shape = (0,) + (10,) * tens + (1,) * (extra - tens)
            d = {'descr': '|i1', 'fortran_order': False, 'shape': shape}
            text = '{' + ''.join(f"'{k}': {v!r}, " for k, v in sorted(d.items())) + '}'
            text += ' ' * (21 - len(repr(shape[0])))  # numpy's room for the first axis to grow
            if (10 + len(text) + 1) % 64 == 0:
                return shape
    raise SystemExit('no shape found that shows the padding quirk')


def main():
    # Expected: numpy notes that it chose format 3.0, and that 1e6 overflows float16.
    warnings.simplefilter('ignore')
    os.makedirs(OUT, exist_ok=True)
    for name, dtype in DTYPES:
        save(f'c_{name}.npy', values(name, dtype, (3, 4)))
        if np.dtype(dtype).itemsize > 1:
            save(f'be_{name}.npy', values(name, dtype, (3, 4)).astype(np.dtype(dtype).newbyteorder('>')))
    # Fortran order: numpy stores the columns first and says so in the header.
    save('fortran_float32_3x4.npy', np.asfortranarray(values('float32', '<f4', (3, 4))))
    save('fortran_int16_2x3x4.npy', np.asfortranarray(np.arange(24, dtype='<i2').reshape(2, 3, 4)))
    save('fortran_be_int32_2x3x4.npy', np.asfortranarray(np.arange(24, dtype='>i4').reshape(2, 3, 4)))
    # Shapes at the edges: a 0-d array, a vector, an empty array, many dimensions.
    save('scalar_float64.npy', np.array(2.5, dtype='<f8'))
    save('vector_int32.npy', np.arange(-3, 4, dtype='<i4'))
    save('empty_0x5_bool.npy', np.zeros((0, 5), dtype='|b1'))
    save('padding_quirk_int8.npy', np.zeros(padding_quirk_shape(), np.int8))
    # Samples as `frontier infer` reads and writes them.
    save('samples_10x4x4x1_uint8.npy', (np.arange(160) * 7 % 256).astype(np.uint8).reshape(10, 4, 4, 1))
    save('samples_10x4x4x1_float32.npy', (np.arange(160, dtype=np.float32) / 160).reshape(10, 4, 4, 1))
    # Later versions: 2.0 (4-byte header length), 3.0 (utf-8 header).
    save('v2_float32_3x4.npy', values('float32', '<f4', (3, 4)), version=(2, 0))
    save('v3_int16_3x4.npy', values('int16', '<i2', (3, 4)), version=(3, 0))
    # numpy picks 3.0 by itself for a header that latin-1 cannot hold: a structured dtype with a Greek field name.
    save('v3_structured_utf8.npy', np.zeros(2, dtype=[('δ', '<f4')]))
    # Types the reader refuses.
    save('complex64.npy', np.zeros((2, 2), dtype='<c8'))
    save('unicode.npy', np.array(['ab', 'cd']))
    # float32 → float16 as numpy rounds it (to nearest, ties to even; overflow to Inf; subnormals), for the writer.
    f32 = np.array(
        [0, -0.0, 1, -1, 65504, 65519.996, 65520, 1e6, -1e6, 6.1035156e-05, 6.0e-05, 5.9604645e-08, 2.98e-08,
         2.9802322e-08, 2.9802326e-08, 1e-9, 1.00048828125, 1.0009765625, 1.00146484375, 0.1, 1 / 3, np.inf, -np.inf,
         np.nan, 2049, 2051, 4097, 3.14159265, -2.71828, 1234.5678, 8.940697e-08, 1.4901161e-07]
        + [float(x) for x in np.linspace(-70000, 70000, 97, dtype=np.float32)],
        dtype='<f4')
    save('f16_inputs_float32.npy', f32)
    save('f16_from_float32.npy', f32.astype('<f2'))
    # Archives as np.savez (stored) and np.savez_compressed (deflated) write them.
    x = (np.arange(24, dtype=np.float32) / 4).reshape(6, 2, 2)
    y = np.array([0, 1, 2, 1, 0, 2], dtype=np.int64)
    np.savez(os.path.join(OUT, 'stored.npz'), x=x, y=y)
    np.savez_compressed(os.path.join(OUT, 'deflated.npz'), x_test=x, y_test=y)
    # An archive holding a file that is not an array beside one that is.
    with zipfile.ZipFile(os.path.join(OUT, 'mixed.npz'), 'w') as z:
        buf = io.BytesIO()
        npformat.write_array(buf, y)
        z.writestr('labels.npy', buf.getvalue())
        z.writestr('README.txt', 'not an array')
    print('wrote stored.npz, deflated.npz, mixed.npz')
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        f.write('{\n' + ',\n'.join(f'{json.dumps(k)}: {json.dumps(v)}' for k, v in EXPECTED.items()) + '\n}\n')
    print('wrote expected.json')


if __name__ == '__main__':
    main()
