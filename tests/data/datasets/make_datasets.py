"""Makes the small data files of tests/data/datasets (numpy + h5py). Run from this folder.
The CSV cases are written by the tests themselves into temporary folders."""
import h5py
import numpy as np
from numpy.lib import format as fmt

a = np.arange(6, dtype=np.float64).reshape(2, 3) * 1.5 - 2  # [[-2,-0.5,1],[2.5,4,5.5]]
np.save('f8_le.npy', a.astype('<f8'))
np.save('f4_be.npy', a.astype('>f4'))
np.save('f2.npy', a.astype('<f2'))
np.save('i1.npy', np.array([[-3, 0, 7], [1, 2, 127]], dtype='i1'))
np.save('i8_be.npy', np.array([[-3, 0, 7], [1, 2, 100000]], dtype='>i8'))
np.save('u2.npy', np.array([[0, 65535, 7], [1, 2, 3]], dtype='<u2'))
np.save('bool.npy', np.array([[True, False, True], [False, False, True]]))
np.save('fortran.npy', np.asfortranarray(np.arange(24, dtype='<f4').reshape(2, 3, 4)))
with open('v2.npy', 'wb') as f:
    fmt.write_array(f, a.astype('<f4'), version=(2, 0))
with open('v3.npy', 'wb') as f:
    fmt.write_array(f, a.astype('<f4'), version=(3, 0))
np.save('names_u.npy', np.array(['α-radius', 'texture', 'z']))
np.save('object.npy', np.array([1, 'x'], dtype=object), allow_pickle=True)
np.savez('multi.npz', queries=np.ones((4, 6, 8), 'f4'), memory=np.full((4, 11, 8), 2, 'f4'),
         row_labels=np.array(['r0', 'r1', 'r2', 'r3']), targets=np.array([0, 1, 1, 0]))

# A .npy whose header is not a dict literal, and one whose data is cut short.
raw = bytearray(open('f8_le.npy', 'rb').read())
length = raw[8] | raw[9] << 8
header = bytes(raw[10:10 + length]).replace(b"'shape': (2, 3)", b"'shape': (2, x)")
open('corrupt_header.npy', 'wb').write(bytes(raw[:10]) + header + bytes(raw[10 + length:]))
open('truncated.npy', 'wb').write(bytes(raw[:-20]))

# HDF5 with the naming convention of core/data/README.md.
with h5py.File('named.h5', 'w') as f:
    d = f.create_dataset('tabular', data=np.arange(12, dtype='f4').reshape(4, 3))
    d.attrs['feature_names'] = np.array(['alpha', 'beta', 'gamma'], dtype=h5py.string_dtype())
    f.create_dataset('row_labels', data=np.array(['p1', 'p2', 'p3', 'p4'], dtype='S'))
    t = f.create_dataset('targets', data=np.array(['no', 'yes', 'yes', 'no'],
                                                   dtype=h5py.string_dtype()))
    t.attrs['name'] = 'outcome'
with h5py.File('series.h5', 'w') as f:
    f.create_dataset('anything', data=np.arange(2 * 4 * 2, dtype='f8').reshape(2, 4, 2))
    f.create_dataset('time_labels', data=np.array([b'mon', b'tue', b'wed', b'thu']))
