//! The dedup stages (issue 15) for Python executors (`syndic.ray`): lay a
//! run out in a work directory, run one task, write the outputs of a
//! finished run. Each call releases the GIL; a task is idempotent (see
//! `syndic::dedup::stages`), so an engine may retry it freely.

use std::path::PathBuf;

use pyo3::prelude::*;

use super::{install, interruptible, pool, DedupOptions, OrPy};
use syndic::dedup::stages::{run_local, Plan};

/// The stages as JSON: `[{"name", "tasks"}, ...]`.
fn stages_json(plan: &Plan) -> String {
    serde_json::to_string(&plan.stages()).expect("stages serialize")
}

/// `stages_plan(inputs, work_dir, *, partitions, options...)`: lays out a
/// dedup run of `inputs` with the options of `syndic.dedup` in `work_dir`
/// (resumed if it holds the same run); returns the stages as JSON. With
/// `out_dir`, first checks that it can be the output (not an input). With
/// `against` (an archive), the run is `dedup --against`: the archived
/// documents that can matter are found here (one read of the inputs) and
/// put in the work directory first.
#[pyfunction]
#[pyo3(signature = (inputs, work_dir, *, out_dir = None, partitions = 4, shingle = 5, permutations = 128, seed = 42,
    threshold = 0.8, verify = "auto", text_field = "text", id_field = None, input_format = None,
    skip_bad = false, write_deduped = false,
    max_record_bytes = syndic::source::DEFAULT_MAX_RECORD_BYTES, encoding = None,
    strict_utf8 = false, bucket_cap = syndic::dedup::DEFAULT_BUCKET_CAP, unique_ids = false,
    batch_bytes = syndic::dedup::DEFAULT_BATCH_BYTES, against = None))]
#[allow(clippy::too_many_arguments)]
fn stages_plan(
    py: Python<'_>,
    inputs: Vec<PathBuf>,
    work_dir: PathBuf,
    out_dir: Option<PathBuf>,
    partitions: usize,
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
    bucket_cap: usize,
    unique_ids: bool,
    batch_bytes: usize,
    against: Option<PathBuf>,
) -> PyResult<String> {
    let (config, input_format) = DedupOptions {
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
        exact_memory: syndic::dedup::DEFAULT_EXACT_MEMORY,
        bucket_cap,
        unique_ids,
        batch_bytes,
    }
    .config(py, &inputs, false)?;
    let result = py.detach(move || -> syndic::Result<String> {
        if let Some(out) = &out_dir {
            // Refused before any work, as syndic dedup refuses it.
            syndic::util::check_output_dir(out, &inputs)?;
        }
        let sources = syndic::source::expand_inputs(&inputs, input_format)?;
        let plan = match &against {
            Some(archive) => syndic::index::against::plan_stages(
                archive, &work_dir, sources, &config, partitions,
            )?,
            None => Plan::create(&work_dir, sources, &config, partitions)?,
        };
        Ok(stages_json(&plan))
    });
    result.or_py(py)
}

/// `stages_list(work_dir)`: the stages of the plan in `work_dir`, as JSON.
#[pyfunction]
fn stages_list(py: Python<'_>, work_dir: PathBuf) -> PyResult<String> {
    let plan = Plan::open(&work_dir).or_py(py)?;
    Ok(stages_json(&plan))
}

/// `stages_run_task(work_dir, stage, rank, *, threads=None)`: runs one
/// task (nothing if it has finished already); returns True if it ran.
#[pyfunction]
#[pyo3(signature = (work_dir, stage, rank, *, threads = None))]
fn stages_run_task(
    py: Python<'_>,
    work_dir: PathBuf,
    stage: String,
    rank: usize,
    threads: Option<usize>,
) -> PyResult<bool> {
    let pool = pool(py, threads)?;
    let result = interruptible(py, None, move || -> syndic::Result<bool> {
        install(&pool, || {
            let plan = Plan::open(&work_dir)?;
            let ran = !plan.is_done(&stage, rank);
            // An engine's worker process runs many tasks: hand what the last
            // one freed back to the system, and restart the peak RSS count
            // so that the task's marker records this task's peak.
            release_memory();
            #[cfg(target_os = "linux")]
            let _ = std::fs::write("/proc/self/clear_refs", "5");
            let result = plan.run_task(&stage, rank);
            release_memory();
            result.map(|()| ran)
        })
    })?;
    result.or_py(py)
}

/// Returns the memory the allocator holds free to the system (glibc keeps
/// it in per-thread arenas otherwise, and a long-lived worker grows task
/// after task).
fn release_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory; it has no
    // preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// `stages_run_local(work_dir, *, threads=None)`: every task of the plan
/// in this process (the local executor).
#[pyfunction]
#[pyo3(signature = (work_dir, *, threads = None))]
fn stages_run_local(py: Python<'_>, work_dir: PathBuf, threads: Option<usize>) -> PyResult<()> {
    let pool = pool(py, threads)?;
    let result = interruptible(py, None, move || -> syndic::Result<()> {
        install(&pool, || {
            let plan = Plan::open(&work_dir)?;
            run_local(&plan, &|_, _, _| {})
        })
    })?;
    result.or_py(py)
}

/// `stages_finish(work_dir, out_dir, inputs, *, against=None, add=False)`:
/// writes the outputs of the finished plan into `out_dir` (staged and
/// renamed into place whole, as `syndic dedup` does; `out_dir` may not be
/// among `inputs`); returns `stats.json`'s text. A plan against an archive
/// writes `syndic dedup --against`'s outputs (`against` names the archive
/// in `against.json`) and with `add` adds the surviving new documents to
/// the archive before the outputs are renamed into place.
#[pyfunction]
#[pyo3(signature = (work_dir, out_dir, inputs, *, against = None, add = false))]
fn stages_finish(
    py: Python<'_>,
    work_dir: PathBuf,
    out_dir: PathBuf,
    inputs: Vec<PathBuf>,
    against: Option<PathBuf>,
    add: bool,
) -> PyResult<String> {
    let result = py.detach(move || -> syndic::Result<String> {
        let plan = Plan::open(&work_dir)?;
        syndic::util::check_output_dir(&out_dir, &inputs)?;
        let staged = syndic::util::StagedDir::create(&out_dir)?;
        let stats = match (&against, plan.archived()) {
            (Some(archive), Some(_)) => syndic::report::dedup::write_against_stage_outputs(
                staged.path(),
                &plan,
                &archive.display().to_string(),
                &mut || {
                    if !add {
                        return Ok(0);
                    }
                    syndic::index::against::add_stage_survivors(archive, &plan, &mut |s| {
                        eprintln!(
                            "syndic: {}: batch {} committed: {} added, {} unchanged; {} documents archived",
                            archive.display(),
                            s.batches,
                            s.added,
                            s.unchanged,
                            s.archived
                        )
                    })
                },
            )?,
            (None, None) => syndic::report::dedup::write_stage_outputs(staged.path(), &plan)?,
            _ => {
                return Err(syndic::Error::InvalidParameter {
                    name: "against",
                    value: format!("{against:?}"),
                    reason: "must be given exactly when the plan was made against an archive",
                })
            }
        };
        staged.commit()?;
        let mut out = Vec::new();
        syndic::report::dedup::write_stats(&mut out, &stats).map_err(|source| {
            syndic::Error::Io {
                path: "<stats>".into(),
                source,
            }
        })?;
        Ok(String::from_utf8(out).expect("JSON is UTF-8"))
    });
    result.or_py(py)
}

/// Adds the stage functions to the extension module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(stages_plan, m)?)?;
    m.add_function(wrap_pyfunction!(stages_list, m)?)?;
    m.add_function(wrap_pyfunction!(stages_run_task, m)?)?;
    m.add_function(wrap_pyfunction!(stages_run_local, m)?)?;
    m.add_function(wrap_pyfunction!(stages_finish, m)?)?;
    Ok(())
}
