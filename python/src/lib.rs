//! `syndic._syndic`: the extension module of the `syndic` Python package.
//!
//! A thin layer over the `syndic` library: Python values in, the library's
//! configs and calls, its results out (the JSON reports and `stats.json`
//! exactly as the binary writes them, which the pure-Python package loads
//! with `json.loads`). Every call releases the GIL while it works, and
//! every long call can be interrupted with Ctrl-C: the work runs off the
//! GIL while the calling thread polls `check_signals`, and a dedup run
//! stops at its next batch through [`syndic::dedup::Progress::cancelled`]
//! (its staging directory removed, the output directory untouched).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use numpy::{PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray2};
use pyo3::exceptions::{PyKeyboardInterrupt, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use rayon::prelude::*;

use syndic::dedup::{DocumentSigner, Progress, SignScratch};
use syndic::sketch::lsh::{band_hash, LshParams};
use syndic::sketch::minhash::MinHashParams;

/// The command line, compiled in for `python -m syndic`: the binary's own
/// code (`src/cli/`), so the two cannot drift apart.
#[allow(dead_code)] // `main` (the binary's entry point) is not used here.
#[path = "../../src/cli/mod.rs"]
mod cli;
mod stages;

/// How often a waiting call looks for Ctrl-C.
const POLL: Duration = Duration::from_millis(50);

/// Documents signed between two looks for Ctrl-C in `sign_batch`.
const SIGN_CHUNK: usize = 4096;

// --- errors ---------------------------------------------------------------

/// The Python exception for a library error: the classes live in
/// `syndic/_errors.py` (so that they can also derive from `ValueError`);
/// the message is the library's, and `path` / `line` / `name` are set when
/// the error has them.
fn to_py(py: Python<'_>, e: syndic::Error) -> PyErr {
    use syndic::Error as E;
    if matches!(e, E::Interrupted) {
        return PyKeyboardInterrupt::new_err(e.to_string());
    }
    let class = match &e {
        E::IncompatibleSignatures { .. } => "IncompatibleSignatures",
        E::InvalidParameter { .. } => "InvalidParameter",
        E::BadOutput { .. } => "OutputError",
        _ if e.path().is_some() => "InputError",
        E::NothingToAnalyse | E::InputChanged { .. } => "InputError",
        _ => "Error",
    };
    let line = match &e {
        E::InvalidUtf8 { line, .. }
        | E::InvalidEncoding { line, .. }
        | E::Binary { line, .. }
        | E::LineTooLong { line, .. }
        | E::Malformed { line, .. } => Some(*line as u64),
        E::BadRecord { position, .. } => match position {
            syndic::Position::Line(l) => Some(*l),
            syndic::Position::Record { line, .. } => Some(*line),
            _ => None,
        },
        _ => None,
    };
    let message = e.to_string();
    let build = || -> PyResult<PyErr> {
        let cls = py.import("syndic._errors")?.getattr(class)?;
        let value = cls.call1((message.clone(),))?;
        if let Some(p) = e.path() {
            value.setattr("path", p.display().to_string())?;
        }
        if let Some(l) = line {
            value.setattr("line", l)?;
        }
        if let E::InvalidParameter { name, .. } = &e {
            value.setattr("name", name.replace('-', "_"))?;
        }
        Ok(PyErr::from_value(value))
    };
    build().unwrap_or_else(|err| err)
}

/// `map_err` for library results.
trait OrPy<T> {
    fn or_py(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> OrPy<T> for syndic::Result<T> {
    fn or_py(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, e))
    }
}

fn invalid(py: Python<'_>, name: &'static str, value: String, reason: &'static str) -> PyErr {
    to_py(
        py,
        syndic::Error::InvalidParameter {
            name,
            value,
            reason,
        },
    )
}

// --- running work off the GIL ----------------------------------------------

/// A rayon pool of `threads` workers, or `None` for the global pool (one
/// thread per core, or `RAYON_NUM_THREADS`).
fn pool(py: Python<'_>, threads: Option<usize>) -> PyResult<Option<rayon::ThreadPool>> {
    match threads {
        None => Ok(None),
        Some(0) => Err(invalid(py, "threads", "0".into(), "must be at least 1")),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map(Some)
            .map_err(|e| PyValueError::new_err(format!("could not start {n} threads: {e}"))),
    }
}

fn install<T: Send>(pool: &Option<rayon::ThreadPool>, f: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(p) => p.install(f),
        None => f(),
    }
}

/// Runs `work` on a thread of its own without the GIL while this thread
/// waits for it, looking for Ctrl-C every [`POLL`]. On Ctrl-C `cancel` (if
/// any) is raised and the work is waited for (it stops at its next check
/// and cleans up after itself); without `cancel` the call returns at once
/// and the abandoned work's result is dropped when it ends.
fn interruptible<T: Send + 'static>(
    py: Python<'_>,
    cancel: Option<Arc<AtomicBool>>,
    work: impl FnOnce() -> T + Send + 'static,
) -> PyResult<T> {
    let (tx, rx) = mpsc::channel();
    // A `Receiver` is `Send` but not `Sync`; `detach` needs the closure's
    // borrows to be sendable.
    let rx = std::sync::Mutex::new(rx);
    let handle = std::thread::Builder::new()
        .name("syndic-work".into())
        .spawn(move || {
            let _ = tx.send(work());
        })
        .map_err(|e| PyValueError::new_err(format!("could not start a thread: {e}")))?;
    loop {
        match py.detach(|| {
            rx.lock()
                .expect("only this thread locks it")
                .recv_timeout(POLL)
        }) {
            Ok(value) => {
                let _ = py.detach(|| handle.join());
                return Ok(value);
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(pyo3::exceptions::PyRuntimeError::new_err(
                    "syndic: internal error (a worker thread panicked); please report it",
                ));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if let Err(interrupt) = py.check_signals() {
            if let Some(flag) = &cancel {
                flag.store(true, Ordering::SeqCst);
                let _ = py.detach(|| handle.join());
            }
            return Err(interrupt);
        }
    }
}

// --- MinHash ----------------------------------------------------------------

/// A MinHash signature with its parameters.
///
/// Made by `MinHasher.sign`; compares equal to a signature of the same
/// parameters and values, pickles, and estimates the Jaccard similarity of
/// two texts' shingle sets with `jaccard`.
#[pyclass(module = "syndic", name = "Signature", frozen)]
struct Signature {
    inner: syndic::sketch::minhash::Signature,
}

#[pymethods]
impl Signature {
    /// The Jaccard similarity estimate: the share of equal values. Raises
    /// `syndic.IncompatibleSignatures` when the parameters differ.
    fn jaccard(&self, py: Python<'_>, other: &Signature) -> PyResult<f64> {
        self.inner.jaccard(&other.inner).or_py(py)
    }

    /// The values, as a new `numpy.ndarray` of `uint32`.
    #[getter]
    fn values<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u32>> {
        PyArray1::from_slice(py, self.inner.values())
    }

    /// Signature length.
    #[getter]
    fn permutations(&self) -> usize {
        self.inner.params().permutations
    }

    /// Seed of every hash.
    #[getter]
    fn seed(&self) -> u64 {
        self.inner.params().seed
    }

    /// Word n-gram size.
    #[getter]
    fn shingle(&self) -> usize {
        self.inner.params().shingle_size
    }

    /// True for the signature of a text without words (it matches nothing).
    #[getter]
    fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    fn __len__(&self) -> usize {
        self.inner.values().len()
    }

    fn __eq__(&self, other: &Signature) -> bool {
        self.inner == other.inner
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.inner.params().hash(&mut h);
        self.inner.is_empty().hash(&mut h);
        self.inner.values().hash(&mut h);
        h.finish()
    }

    fn __repr__(&self) -> String {
        let p = self.inner.params();
        format!(
            "Signature(permutations={}, seed={}, shingle={}{})",
            p.permutations,
            p.seed,
            p.shingle_size,
            if self.inner.is_empty() { ", empty" } else { "" }
        )
    }

    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let rebuild = py.import("syndic")?.getattr("_signature_from_state")?;
        let p = self.inner.params();
        let bytes: Vec<u8> = self
            .inner
            .values()
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let args = PyTuple::new(
            py,
            [
                p.permutations.into_pyobject(py)?.into_any(),
                p.seed.into_pyobject(py)?.into_any(),
                p.shingle_size.into_pyobject(py)?.into_any(),
                pyo3::types::PyBool::new(py, self.inner.is_empty())
                    .to_owned()
                    .into_any(),
                PyBytes::new(py, &bytes).into_any(),
            ],
        )?;
        Ok((rebuild, args))
    }

    /// Rebuilds a pickled signature (values as little-endian `u32`s).
    #[staticmethod]
    fn _from_state(
        py: Python<'_>,
        permutations: usize,
        seed: u64,
        shingle: usize,
        empty: bool,
        values: &[u8],
    ) -> PyResult<Signature> {
        if !values.len().is_multiple_of(4) {
            return Err(PyValueError::new_err(
                "signature state: not a whole number of u32 values",
            ));
        }
        let values = values
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let params = MinHashParams {
            permutations,
            seed,
            shingle_size: shingle,
        };
        Ok(Signature {
            inner: syndic::sketch::minhash::Signature::from_values(params, values, empty)
                .or_py(py)?,
        })
    }
}

/// Signs texts: word `shingle`-grams, one-permutation MinHash of
/// `permutations` values under `seed`, exactly as `syndic dedup` and
/// `syndic sign` do.
#[pyclass(module = "syndic", name = "MinHasher", frozen)]
struct MinHasher {
    signer: DocumentSigner,
}

/// Borrows the text of every item of `texts` (any iterable of `str`).
fn texts_of<'py>(texts: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyString>>> {
    if texts.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "texts must be an iterable of str, not one str (use sign for one text)",
        ));
    }
    texts
        .try_iter()?
        .enumerate()
        .map(|(i, item)| {
            item?.cast_into::<PyString>().map_err(|e| {
                PyTypeError::new_err(format!(
                    "texts[{i}] is a {}, not a str",
                    e.into_inner()
                        .get_type()
                        .name()
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                ))
            })
        })
        .collect()
}

#[pymethods]
impl MinHasher {
    #[new]
    #[pyo3(signature = (permutations = 128, seed = 42, shingle = 5))]
    fn new(py: Python<'_>, permutations: usize, seed: u64, shingle: usize) -> PyResult<MinHasher> {
        Ok(MinHasher {
            signer: DocumentSigner::new(shingle, permutations, seed).or_py(py)?,
        })
    }

    /// Signature length.
    #[getter]
    fn permutations(&self) -> usize {
        self.signer.params().permutations
    }

    /// Seed of every hash.
    #[getter]
    fn seed(&self) -> u64 {
        self.signer.params().seed
    }

    /// Word n-gram size.
    #[getter]
    fn shingle(&self) -> usize {
        self.signer.params().shingle_size
    }

    /// The signature of one text.
    fn sign(&self, py: Python<'_>, text: &str) -> PyResult<Signature> {
        let params = *self.signer.params();
        let (values, nonempty) = py.detach(|| {
            let mut values = vec![0u32; params.permutations];
            let nonempty = self
                .signer
                .sign(text, &mut SignScratch::default(), &mut values);
            (values, nonempty)
        });
        Ok(Signature {
            inner: syndic::sketch::minhash::Signature::from_values(params, values, !nonempty)
                .or_py(py)?,
        })
    }

    /// The signatures of many texts, in parallel, as one
    /// `numpy.ndarray[uint32]` of shape `(len(texts), permutations)`; a
    /// text without words has every value `2**32 - 1`.
    #[pyo3(signature = (texts, *, threads = None))]
    fn sign_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyArray2<u32>>> {
        let items = texts_of(texts)?;
        let strs: Vec<&str> = items.iter().map(|s| s.to_str()).collect::<PyResult<_>>()?;
        let k = self.signer.params().permutations;
        let out = PyArray2::<u32>::zeros(py, [strs.len(), k], false);
        if strs.is_empty() {
            return Ok(out);
        }
        // SAFETY: the array was just made here, C-contiguous, and no other
        // reference to it exists while it is filled.
        let values =
            unsafe { out.as_slice_mut() }.map_err(|e| PyValueError::new_err(e.to_string()))?;
        let pool = pool(py, threads)?;
        let signer = &self.signer;
        for (texts, rows) in strs
            .chunks(SIGN_CHUNK)
            .zip(values.chunks_mut(SIGN_CHUNK * k))
        {
            py.detach(|| {
                install(&pool, || {
                    rows.par_chunks_mut(k).zip(texts.par_iter()).for_each_init(
                        SignScratch::default,
                        |scratch, (row, text)| {
                            signer.sign(text, scratch, row);
                        },
                    )
                })
            });
            py.check_signals()?;
        }
        Ok(out)
    }

    fn __repr__(&self) -> String {
        format!(
            "MinHasher(permutations={}, seed={}, shingle={})",
            self.permutations(),
            self.seed(),
            self.shingle()
        )
    }

    fn __eq__(&self, other: &MinHasher) -> bool {
        self.signer.params() == other.signer.params()
    }

    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, (usize, u64, usize))> {
        let class = py.import("syndic")?.getattr("MinHasher")?;
        Ok((class, (self.permutations(), self.seed(), self.shingle())))
    }
}

// --- LSH --------------------------------------------------------------------

/// One indexed item.
struct Slot {
    key: Py<PyAny>,
    /// Band hashes; empty for the signature of a text without words.
    bands: Box<[u64]>,
}

/// An LSH index of MinHash signatures under syndic's banding.
#[pyclass(module = "syndic", name = "LSH")]
struct Lsh {
    threshold: f64,
    permutations: usize,
    params: LshParams,
    /// The parameters of the signatures inserted so far (fixed by the
    /// first `Signature` inserted).
    signature_params: Option<MinHashParams>,
    /// Per band: band hash → slots, in insertion order.
    tables: Vec<std::collections::HashMap<u64, Vec<u32>>>,
    /// Items by insertion order; `None` once removed.
    slots: Vec<Option<Slot>>,
    /// Key → slot number.
    keys: Py<PyDict>,
}

/// Signature values to index or look up: from `Signature`s (their
/// parameters checked) or from the rows of a 2-D `uint32` array.
struct Rows {
    values: Vec<u32>,
    empty: Vec<bool>,
    params: Option<MinHashParams>,
}

impl Lsh {
    /// The values of `sig` (a `Signature` or a sequence of integers).
    fn one(&self, py: Python<'_>, sig: &Bound<'_, PyAny>) -> PyResult<Rows> {
        if let Ok(s) = sig.cast::<Signature>() {
            let s = &s.get().inner;
            self.check_params(py, s.params())?;
            return Ok(Rows {
                values: s.values().to_vec(),
                empty: vec![s.is_empty()],
                params: Some(*s.params()),
            });
        }
        let values: Vec<u32> = sig.extract().map_err(|_| {
            PyTypeError::new_err("a signature must be a syndic.Signature or a sequence of uint32")
        })?;
        self.check_len(py, values.len())?;
        Ok(Rows {
            empty: vec![values.iter().all(|&v| v == u32::MAX)],
            values,
            params: None,
        })
    }

    /// The values of many signatures: a list of `Signature`s or a 2-D
    /// array (one row each).
    fn many(&self, py: Python<'_>, sigs: &Bound<'_, PyAny>) -> PyResult<Rows> {
        if let Ok(array) = sigs.extract::<PyReadonlyArray2<u32>>() {
            let view = array.as_array();
            self.check_len(py, view.ncols())?;
            let values: Vec<u32> = view.iter().copied().collect();
            let empty = values
                .chunks(self.permutations.max(1))
                .map(|r| r.iter().all(|&v| v == u32::MAX))
                .collect();
            return Ok(Rows {
                values,
                empty,
                params: None,
            });
        }
        let mut rows = Rows {
            values: Vec::new(),
            empty: Vec::new(),
            params: None,
        };
        for item in sigs.try_iter()? {
            let one = self.one(py, &item?)?;
            if let (Some(a), Some(b)) = (rows.params, one.params) {
                if a != b {
                    return Err(to_py(
                        py,
                        syndic::Error::IncompatibleSignatures {
                            left: a.to_string(),
                            right: b.to_string(),
                        },
                    ));
                }
            }
            rows.params = rows.params.or(one.params);
            rows.values.extend(one.values);
            rows.empty.extend(one.empty);
        }
        Ok(rows)
    }

    fn check_len(&self, py: Python<'_>, len: usize) -> PyResult<()> {
        if len != self.permutations {
            return Err(to_py(
                py,
                syndic::Error::IncompatibleSignatures {
                    left: format!("LSH(permutations={})", self.permutations),
                    right: format!("{len} values"),
                },
            ));
        }
        Ok(())
    }

    fn check_params(&self, py: Python<'_>, p: &MinHashParams) -> PyResult<()> {
        self.check_len(py, p.permutations)?;
        if let Some(q) = &self.signature_params {
            if q != p {
                return Err(to_py(
                    py,
                    syndic::Error::IncompatibleSignatures {
                        left: q.to_string(),
                        right: p.to_string(),
                    },
                ));
            }
        }
        Ok(())
    }

    /// Band hashes of every row (none for an empty signature), in
    /// parallel, without the GIL.
    fn band_keys(&self, py: Python<'_>, rows: &Rows) -> Vec<Box<[u64]>> {
        let (k, params) = (self.permutations, self.params);
        py.detach(|| {
            rows.values
                .par_chunks(k)
                .zip(rows.empty.par_iter())
                .map(|(row, &empty)| {
                    if empty {
                        return Box::default();
                    }
                    (0..params.bands)
                        .map(|b| band_hash(&row[b * params.rows..(b + 1) * params.rows], b))
                        .collect()
                })
                .collect()
        })
    }

    /// The live slots sharing a band with `bands`, in insertion order.
    fn lookup(&self, bands: &[u64]) -> Vec<u32> {
        let mut found: Vec<u32> = Vec::new();
        for (table, key) in self.tables.iter().zip(bands) {
            if let Some(slots) = table.get(key) {
                found.extend(slots);
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    fn add(&mut self, py: Python<'_>, key: &Bound<'_, PyAny>, bands: Box<[u64]>) -> PyResult<()> {
        let keys = self.keys.bind(py);
        if keys.contains(key)? {
            return Err(PyValueError::new_err(format!(
                "key {} is already in the index (remove it first)",
                key.repr()?
            )));
        }
        let slot = u32::try_from(self.slots.len())
            .map_err(|_| PyValueError::new_err("the index is full (2**32 items)"))?;
        keys.set_item(key, slot)?;
        for (table, band) in self.tables.iter_mut().zip(bands.iter()) {
            table.entry(*band).or_default().push(slot);
        }
        self.slots.push(Some(Slot {
            key: key.clone().unbind(),
            bands,
        }));
        Ok(())
    }

    fn keys_of<'py>(&self, py: Python<'py>, slots: &[u32]) -> PyResult<Bound<'py, PyList>> {
        let keys: Vec<Py<PyAny>> = slots
            .iter()
            .filter_map(|&s| {
                self.slots[s as usize]
                    .as_ref()
                    .map(|slot| slot.key.clone_ref(py))
            })
            .collect();
        PyList::new(py, keys)
    }
}

#[pymethods]
impl Lsh {
    #[new]
    #[pyo3(signature = (threshold = 0.8, permutations = 128))]
    fn new(py: Python<'_>, threshold: f64, permutations: usize) -> PyResult<Lsh> {
        if permutations == 0 || permutations > syndic::sketch::minhash::MAX_PERMUTATIONS {
            return Err(invalid(
                py,
                "permutations",
                permutations.to_string(),
                "must be between 1 and 8192",
            ));
        }
        let params = LshParams::for_recall(
            threshold,
            permutations,
            syndic::dedup::LSH_RECALL_AT_THRESHOLD,
        )
        .or_py(py)?;
        Ok(Lsh {
            threshold,
            permutations,
            params,
            signature_params: None,
            tables: vec![Default::default(); params.bands],
            slots: Vec::new(),
            keys: PyDict::new(py).unbind(),
        })
    }

    /// The similarity threshold.
    #[getter]
    fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Signature length.
    #[getter]
    fn permutations(&self) -> usize {
        self.permutations
    }

    /// Number of bands.
    #[getter]
    fn bands(&self) -> usize {
        self.params.bands
    }

    /// Signature values per band.
    #[getter]
    fn rows(&self) -> usize {
        self.params.rows
    }

    /// Adds `signature` under `key` (any hashable; not already present).
    fn insert(
        &mut self,
        py: Python<'_>,
        key: &Bound<'_, PyAny>,
        signature: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let rows = self.one(py, signature)?;
        let bands = self.band_keys(py, &rows).pop().unwrap_or_default();
        self.add(py, key, bands)?;
        self.signature_params = self.signature_params.or(rows.params);
        Ok(())
    }

    /// Adds many: `keys` and `signatures` (`Signature`s or a 2-D uint32
    /// array) of the same length; band hashes are computed in parallel.
    fn insert_batch(
        &mut self,
        py: Python<'_>,
        keys: &Bound<'_, PyAny>,
        signatures: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let keys: Vec<Bound<'_, PyAny>> = keys.try_iter()?.collect::<PyResult<_>>()?;
        let rows = self.many(py, signatures)?;
        if let Some(p) = &rows.params {
            self.check_params(py, p)?;
        }
        if keys.len() != rows.empty.len() {
            return Err(PyValueError::new_err(format!(
                "{} keys but {} signatures",
                keys.len(),
                rows.empty.len()
            )));
        }
        let seen = pyo3::types::PySet::empty(py)?;
        for key in &keys {
            if self.keys.bind(py).contains(key)? || seen.contains(key)? {
                return Err(PyValueError::new_err(format!(
                    "key {} is already in the index or repeated in the batch",
                    key.repr()?
                )));
            }
            seen.add(key)?;
        }
        let bands = self.band_keys(py, &rows);
        for (key, bands) in keys.iter().zip(bands) {
            self.add(py, key, bands)?;
        }
        self.signature_params = self.signature_params.or(rows.params);
        Ok(())
    }

    /// The keys of the items sharing at least one band with `signature`
    /// (candidates, not verified), in insertion order.
    fn query<'py>(
        &self,
        py: Python<'py>,
        signature: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let rows = self.one(py, signature)?;
        let bands = self.band_keys(py, &rows).pop().unwrap_or_default();
        self.keys_of(py, &self.lookup(&bands))
    }

    /// `query` for many signatures at once: a list of lists of keys.
    fn query_batch<'py>(
        &self,
        py: Python<'py>,
        signatures: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let rows = self.many(py, signatures)?;
        let bands = self.band_keys(py, &rows);
        let found: Vec<Vec<u32>> = py.detach(|| bands.par_iter().map(|b| self.lookup(b)).collect());
        let lists: Vec<Bound<'py, PyList>> = found
            .iter()
            .map(|slots| self.keys_of(py, slots))
            .collect::<PyResult<_>>()?;
        PyList::new(py, lists)
    }

    /// Removes `key`; `KeyError` if it is not in the index.
    fn remove(&mut self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<()> {
        let keys = self.keys.bind(py);
        let Some(slot) = keys.get_item(key)? else {
            return Err(pyo3::exceptions::PyKeyError::new_err(key.clone().unbind()));
        };
        let slot: u32 = slot.extract()?;
        keys.del_item(key)?;
        if let Some(item) = self.slots[slot as usize].take() {
            for (table, band) in self.tables.iter_mut().zip(item.bands.iter()) {
                if let Some(list) = table.get_mut(band) {
                    list.retain(|&s| s != slot);
                    if list.is_empty() {
                        table.remove(band);
                    }
                }
            }
        }
        Ok(())
    }

    fn __contains__(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<bool> {
        self.keys.bind(py).contains(key)
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.keys.bind(py).len()
    }

    /// Pickling: `syndic._lsh_from_state(threshold, permutations,
    /// signature parameters or None, keys, band hashes, empty flags)`, the
    /// live items in insertion order (the keys pickled by Python, the band
    /// hashes as little-endian `u64`s, `bands` per item that has words).
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let rebuild = py.import("syndic")?.getattr("_lsh_from_state")?;
        let live: Vec<&Slot> = self.slots.iter().flatten().collect();
        let keys = PyList::new(py, live.iter().map(|s| s.key.bind(py)))?;
        let mut bands: Vec<u8> = Vec::with_capacity(live.len() * self.params.bands * 8);
        let mut empty: Vec<u8> = Vec::with_capacity(live.len());
        for slot in &live {
            empty.push(u8::from(slot.bands.is_empty()));
            bands.extend(slot.bands.iter().flat_map(|b| b.to_le_bytes()));
        }
        let params = match &self.signature_params {
            Some(p) => (p.permutations, p.seed, p.shingle_size)
                .into_pyobject(py)?
                .into_any(),
            None => py.None().into_bound(py),
        };
        let args = PyTuple::new(
            py,
            [
                self.threshold.into_pyobject(py)?.into_any(),
                self.permutations.into_pyobject(py)?.into_any(),
                params,
                keys.into_any(),
                PyBytes::new(py, &bands).into_any(),
                PyBytes::new(py, &empty).into_any(),
            ],
        )?;
        Ok((rebuild, args))
    }

    /// Rebuilds a pickled index (see `__reduce__`).
    #[staticmethod]
    fn _from_state(
        py: Python<'_>,
        threshold: f64,
        permutations: usize,
        signature_params: Option<(usize, u64, usize)>,
        keys: &Bound<'_, PyAny>,
        bands: &[u8],
        empty: &[u8],
    ) -> PyResult<Lsh> {
        let mut lsh = Lsh::new(py, threshold, permutations)?;
        lsh.signature_params =
            signature_params.map(|(permutations, seed, shingle_size)| MinHashParams {
                permutations,
                seed,
                shingle_size,
            });
        let keys: Vec<Bound<'_, PyAny>> = keys.try_iter()?.collect::<PyResult<_>>()?;
        let per_item = lsh.params.bands * 8;
        let with_words = empty.iter().filter(|&&e| e == 0).count();
        if keys.len() != empty.len() || bands.len() != with_words * per_item {
            return Err(PyValueError::new_err(
                "LSH state: the keys, band hashes and empty flags do not agree",
            ));
        }
        let mut chunks = bands.chunks_exact(per_item.max(1));
        for (key, &e) in keys.iter().zip(empty) {
            let item: Box<[u64]> = if e != 0 {
                Box::default()
            } else {
                chunks
                    .next()
                    .expect("counted above")
                    .chunks_exact(8)
                    .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
                    .collect()
            };
            lsh.add(py, key, item)?;
        }
        Ok(lsh)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "LSH(threshold={}, permutations={}; {} bands x {} rows, {} items)",
            self.threshold,
            self.permutations,
            self.params.bands,
            self.params.rows,
            self.keys.bind(py).len()
        )
    }
}

// --- compare, align, dedup ----------------------------------------------------

fn decode_options(
    py: Python<'_>,
    encoding: Option<&str>,
    strict_utf8: bool,
) -> PyResult<syndic::source::DecodeOptions> {
    let mut opts = match encoding {
        Some(label) => syndic::source::DecodeOptions::forcing(label).or_py(py)?,
        None => syndic::source::DecodeOptions::default(),
    };
    opts.strict_utf8 = strict_utf8;
    Ok(opts)
}

fn language(py: Python<'_>, lang: Option<&str>) -> PyResult<Option<syndic::text::Language>> {
    lang.map(syndic::text::Language::parse)
        .transpose()
        .or_py(py)
}

/// Documents from `{id: text}` or from paths.
enum Docs {
    Texts(Vec<syndic::source::InputDoc>),
    Paths(Vec<PathBuf>),
}

fn docs_of(docs: &Bound<'_, PyAny>) -> PyResult<Docs> {
    if let Ok(d) = docs.cast::<PyDict>() {
        let mut out = Vec::with_capacity(d.len());
        for (id, text) in d.iter() {
            let id: String = id
                .extract()
                .map_err(|_| PyTypeError::new_err("document ids must be str"))?;
            let text: String = text.extract().map_err(|_| {
                PyTypeError::new_err(format!("document {id:?}: the text must be a str"))
            })?;
            out.push(syndic::source::InputDoc::new(id.clone(), id, text));
        }
        return Ok(Docs::Texts(out));
    }
    if docs.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "docs must be a list of paths or a dict {id: text}, not one str",
        ));
    }
    let paths = docs
        .try_iter()?
        .map(|p| {
            p?.extract::<PathBuf>().map_err(|_| {
                PyTypeError::new_err("docs must be paths (str or os.PathLike) or a dict {id: text}")
            })
        })
        .collect::<PyResult<_>>()?;
    Ok(Docs::Paths(paths))
}

/// `syndic.compare`: the JSON report as the binary writes it.
#[pyfunction]
#[pyo3(signature = (docs, *, shingle = 5, sentence_shingle = 2, permutations = 128, seed = 42,
    threshold = 0.45, containment = 0.8, language = None, max_line_bytes = syndic::source::DEFAULT_MAX_LINE_BYTES,
    encoding = None, strict_utf8 = false, skip_bad = false, threads = None))]
#[allow(clippy::too_many_arguments)]
fn compare_json(
    py: Python<'_>,
    docs: &Bound<'_, PyAny>,
    shingle: usize,
    sentence_shingle: usize,
    permutations: usize,
    seed: u64,
    threshold: f64,
    containment: f64,
    language: Option<&str>,
    max_line_bytes: usize,
    encoding: Option<&str>,
    strict_utf8: bool,
    skip_bad: bool,
    threads: Option<usize>,
) -> PyResult<String> {
    use syndic::compare::{CompareConfig, Comparer, Skipped};
    let config = CompareConfig {
        document_shingle: shingle,
        sentence_shingle,
        permutations,
        seed,
        threshold,
        containment,
        align: syndic::align::AlignConfig {
            language: self::language(py, language)?,
            ..Default::default()
        },
        ..CompareConfig::default()
    };
    let comparer = Comparer::new(config).or_py(py)?;
    let load = syndic::source::LoadOptions {
        max_line_bytes,
        decode: decode_options(py, encoding, strict_utf8)?,
    };
    let docs = docs_of(docs)?;
    let pool = pool(py, threads)?;
    // The report as the binary writes it, with the inputs it skipped.
    fn finish(
        mut comparison: syndic::compare::Comparison,
        skipped: &[syndic::Error],
    ) -> syndic::Result<String> {
        comparison.skipped = skipped.iter().map(Skipped::from).collect();
        let mut out = Vec::new();
        syndic::report::write_json(&mut out, &comparison).map_err(|source| syndic::Error::Io {
            path: "<report>".into(),
            source,
        })?;
        Ok(String::from_utf8(out).expect("JSON is UTF-8"))
    }
    let result = interruptible(py, None, move || -> syndic::Result<String> {
        install(&pool, || {
            let (docs, skipped) = match docs {
                Docs::Texts(d) => (d, Vec::new()),
                Docs::Paths(p) => {
                    let loaded = syndic::source::load_paths(&p, load);
                    (loaded.docs, loaded.skipped)
                }
            };
            if !skip_bad {
                if let Some(first) = skipped.into_iter().next() {
                    return Err(first);
                }
                return finish(comparer.compare(docs)?, &[]);
            }
            if docs.is_empty() {
                return Err(syndic::Error::NothingToAnalyse);
            }
            finish(comparer.compare(docs)?, &skipped)
        })
    })?;
    result.or_py(py)
}

/// A document for `align`: a path is read, a str is the text.
fn align_doc(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    id: &str,
    load: syndic::source::LoadOptions,
) -> PyResult<syndic::source::InputDoc> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(syndic::source::InputDoc::new(id, id, text.to_str()?));
    }
    let path: PathBuf = value.extract().map_err(|_| {
        PyTypeError::new_err(format!(
            "{id} must be a str (the text) or an os.PathLike (a file)"
        ))
    })?;
    py.detach(|| syndic::source::read_document(&path, load))
        .or_py(py)
}

/// `syndic.align`: the binary's JSON alignment report.
#[pyfunction]
#[pyo3(signature = (a, b, *, seed = 42, min_words = None, min_chars = 0, language = None,
    max_line_bytes = syndic::source::DEFAULT_MAX_LINE_BYTES, encoding = None, strict_utf8 = false))]
#[allow(clippy::too_many_arguments)]
fn align_json(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    seed: u64,
    min_words: Option<usize>,
    min_chars: usize,
    language: Option<&str>,
    max_line_bytes: usize,
    encoding: Option<&str>,
    strict_utf8: bool,
) -> PyResult<String> {
    use syndic::align::{AlignConfig, Aligner};
    let defaults = AlignConfig::default();
    let aligner = Aligner::new(AlignConfig {
        seed,
        min_words: min_words.unwrap_or(defaults.min_words),
        min_chars,
        language: self::language(py, language)?,
        ..defaults
    })
    .or_py(py)?;
    let load = syndic::source::LoadOptions {
        max_line_bytes,
        decode: decode_options(py, encoding, strict_utf8)?,
    };
    let a = align_doc(py, a, "a", load)?;
    let b = align_doc(py, b, "b", load)?;
    let json = interruptible(py, None, move || {
        let alignment = aligner.align_documents(&a, &b);
        let mut out = Vec::new();
        syndic::report::write_alignment(&mut out, &alignment, syndic::report::Format::Json)
            .expect("writing to memory");
        String::from_utf8(out).expect("JSON is UTF-8")
    })?;
    Ok(json)
}

/// Progress of a Python dedup run: none shown; Ctrl-C stops it.
struct Cancel(Arc<AtomicBool>);

impl syndic::dedup::Progress for Cancel {
    fn begin(&self, _: &'static str, _: Option<u64>) {}
    fn set(&self, _: u64, _: u64) {}
    fn end(&self) {}
    fn cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The options of a dedup run that `syndic.dedup` ([`dedup_json`]) and
/// `syndic.ray` (`stages_plan`) share, as Python gives them.
struct DedupOptions<'a> {
    shingle: usize,
    permutations: usize,
    seed: u64,
    threshold: f64,
    verify: &'a str,
    text_field: &'a str,
    id_field: Option<&'a str>,
    input_format: Option<&'a str>,
    skip_bad: bool,
    write_deduped: bool,
    max_record_bytes: usize,
    encoding: Option<&'a str>,
    strict_utf8: bool,
    exact_memory: usize,
    bucket_cap: usize,
    unique_ids: bool,
    batch_bytes: usize,
}

impl DedupOptions<'_> {
    /// The run's config and the input format given (if any), for
    /// `inputs` (at least one). With `name_fields`, a malformed
    /// `text_field` or `id_field` is an error naming that option
    /// (`syndic.dedup`); without, naming `field` (`syndic.ray`, as it
    /// always has).
    fn config(
        self,
        py: Python<'_>,
        inputs: &[PathBuf],
        name_fields: bool,
    ) -> PyResult<(
        syndic::dedup::DedupConfig,
        Option<syndic::source::InputFormat>,
    )> {
        use syndic::dedup::{DedupConfig, Verify};
        use syndic::source::{FieldPath, InputFormat, ReadOptions};
        let verify = match self.verify {
            "auto" => Verify::Auto,
            "signature" => Verify::Signature,
            "exact" => Verify::Exact,
            other => {
                return Err(invalid(
                    py,
                    "verify",
                    other.into(),
                    "must be auto, signature or exact",
                ));
            }
        };
        let input_format = match self.input_format {
            None => None,
            Some("jsonl") => Some(InputFormat::Jsonl),
            Some("parquet") => Some(InputFormat::Parquet),
            Some("warc") => Some(InputFormat::Warc),
            Some("text") => Some(InputFormat::Text),
            Some(other) => {
                return Err(invalid(
                    py,
                    "input_format",
                    other.into(),
                    "must be jsonl, parquet, warc or text",
                ));
            }
        };
        if self.bucket_cap < 2 {
            return Err(invalid(
                py,
                "bucket_cap",
                self.bucket_cap.to_string(),
                "must be at least 2",
            ));
        }
        if inputs.is_empty() {
            return Err(invalid(
                py,
                "inputs",
                "[]".into(),
                "give at least one input",
            ));
        }
        let field = |e: syndic::Error, name: &'static str| match e {
            syndic::Error::InvalidParameter { value, reason, .. } if name_fields => {
                syndic::Error::InvalidParameter {
                    name,
                    value,
                    reason,
                }
            }
            e => e,
        };
        let config = DedupConfig {
            shingle: self.shingle,
            permutations: self.permutations,
            seed: self.seed,
            threshold: self.threshold,
            verify,
            read: ReadOptions {
                text_field: FieldPath::parse(self.text_field)
                    .map_err(|e| field(e, "text_field"))
                    .or_py(py)?,
                id_field: self
                    .id_field
                    .map(FieldPath::parse)
                    .transpose()
                    .map_err(|e| field(e, "id_field"))
                    .or_py(py)?,
                skip_bad: self.skip_bad,
                keep_raw: false,
                max_record_bytes: self.max_record_bytes,
                decode: decode_options(py, self.encoding, self.strict_utf8)?,
            },
            batch_bytes: self.batch_bytes.max(1),
            exact_memory: self.exact_memory,
            bucket_cap: self.bucket_cap,
            write_deduped: self.write_deduped,
            spool_dir: None,
            unique_ids: self.unique_ids,
        };
        Ok((config, input_format))
    }
}

/// `syndic.dedup`: writes the binary's outputs to `out_dir`, returns
/// `stats.json`'s text.
#[pyfunction]
#[pyo3(signature = (inputs, out_dir, *, shingle = 5, permutations = 128, seed = 42, threshold = 0.8,
    verify = "auto", text_field = "text", id_field = None, input_format = None, skip_bad = false,
    write_deduped = false, max_record_bytes = syndic::source::DEFAULT_MAX_RECORD_BYTES,
    encoding = None, strict_utf8 = false, exact_memory = syndic::dedup::DEFAULT_EXACT_MEMORY,
    bucket_cap = syndic::dedup::DEFAULT_BUCKET_CAP, unique_ids = false,
    batch_bytes = syndic::dedup::DEFAULT_BATCH_BYTES, threads = None))]
#[allow(clippy::too_many_arguments)]
fn dedup_json(
    py: Python<'_>,
    inputs: Vec<PathBuf>,
    out_dir: PathBuf,
    shingle: usize,
    permutations: usize,
    seed: u64,
    threshold: f64,
    verify: &str,
    text_field: &str,
    id_field: Option<&str>,
    input_format: Option<&str>,
    skip_bad: bool,
    write_deduped: bool,
    max_record_bytes: usize,
    encoding: Option<&str>,
    strict_utf8: bool,
    exact_memory: usize,
    bucket_cap: usize,
    unique_ids: bool,
    batch_bytes: usize,
    threads: Option<usize>,
) -> PyResult<String> {
    let (mut config, input_format) = DedupOptions {
        shingle,
        permutations,
        seed,
        threshold,
        verify,
        text_field,
        id_field,
        input_format,
        skip_bad,
        write_deduped,
        max_record_bytes,
        encoding,
        strict_utf8,
        exact_memory,
        bucket_cap,
        unique_ids,
        batch_bytes,
    }
    .config(py, &inputs, true)?;
    // Validate before touching the output directory.
    syndic::dedup::Deduper::new(config.clone()).or_py(py)?;
    let pool = pool(py, threads)?;
    let flag = Arc::new(AtomicBool::new(false));
    let progress = Cancel(Arc::clone(&flag));
    let result = interruptible(py, Some(flag), move || -> syndic::Result<String> {
        install(&pool, || {
            let start = std::time::Instant::now();
            let sources = syndic::source::expand_inputs(&inputs, input_format)?;
            syndic::util::check_output_dir(&out_dir, &inputs)?;
            let staged = syndic::util::StagedDir::create(&out_dir)?;
            config.spool_dir = Some(staged.path().to_path_buf());
            let mut deduped =
                syndic::dedup::Deduper::new(config.clone())?.run(sources, &progress)?;
            syndic::report::dedup::write_outputs(
                staged.path(),
                &mut deduped,
                write_deduped,
                &progress,
                start,
            )?;
            if progress.cancelled() {
                return Err(syndic::Error::Interrupted);
            }
            staged.commit()?;
            let mut out = Vec::new();
            syndic::report::dedup::write_stats(&mut out, deduped.stats()).map_err(|source| {
                syndic::Error::Io {
                    path: "<stats>".into(),
                    source,
                }
            })?;
            Ok(String::from_utf8(out).expect("JSON is UTF-8"))
        })
    })?;
    result.or_py(py)
}

/// `python -m syndic ARGS...`: the command line, run in this process;
/// returns the exit code.
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<std::ffi::OsString>) -> u8 {
    let code = py.detach(|| cli::main_from(argv));
    (0..=u8::MAX)
        .find(|&c| code == std::process::ExitCode::from(c))
        .unwrap_or(2)
}

/// The extension module.
#[pymodule]
fn _syndic(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Signature>()?;
    m.add_class::<MinHasher>()?;
    m.add_class::<Lsh>()?;
    m.add_function(wrap_pyfunction!(compare_json, m)?)?;
    m.add_function(wrap_pyfunction!(align_json, m)?)?;
    m.add_function(wrap_pyfunction!(dedup_json, m)?)?;
    m.add_function(wrap_pyfunction!(main, m)?)?;
    stages::register(m)?;
    m.add("SCHEME", syndic::sketch::minhash::SCHEME)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
