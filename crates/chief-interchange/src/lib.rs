//! Import and export formats for chief. Today that is the todo.txt line
//! format, so people can bring their task list in from (or take it out to)
//! any todo.txt tool. The parsers here are pure: callers read and write the
//! files and map the items to and from chief's domain.

pub mod todotxt;
