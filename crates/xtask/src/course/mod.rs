//! Tools for the course's maintainers: the book's checks, transcripts and
//! preprocessor (`book`), the intended copies between stages (`copies`), the
//! benchmark (`bench`), the soak test (`soak`) and the classroom exercises
//! (`exercises`: list, check, hint, prove, refresh, book pages), and the
//! grading of real servers by check-server for the book (`peers`).

pub(crate) mod bench;
pub(crate) mod book;
pub(crate) mod copies;
pub(crate) mod exercises;
pub(crate) mod peers;
pub(crate) mod soak;
