//! Tools for learners: what changed between stages (`diff`), what each stage
//! answers (`compare`), which system calls it makes (`trace`), and raw bytes
//! to any server (`send`).

pub(crate) mod compare;
pub(crate) mod diff;
pub(crate) mod send;
pub(crate) mod trace;
