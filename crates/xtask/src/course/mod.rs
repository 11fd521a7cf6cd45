//! Tools for the course's maintainers: the book's checks, transcripts and
//! preprocessor (`book`), the intended copies between stages (`copies`), the
//! benchmark (`bench`) and the soak test (`soak`). The exercises (`crate::exercises`)
//! belong here too.

pub(crate) mod bench;
pub(crate) mod book;
pub(crate) mod copies;
pub(crate) mod soak;
