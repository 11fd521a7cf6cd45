//! Files the tooling makes and the repository commits (the book's diffs,
//! transcripts and exercise pages), each set in a directory of its own. Write
//! mode writes them and removes the ones no longer made; check mode (CI) fails
//! when one is missing, out of date or stale, and names the command to run.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::stages::workspace_root;

/// A directory of generated files.
#[derive(Debug)]
pub(crate) struct Generated {
    /// The directory, from the top of the workspace.
    pub dir: &'static str,
    /// The extension of its files: any other file with it there is stale.
    pub extension: &'static str,
    /// The command that writes them, for the message when they are not fresh.
    pub command: &'static str,
    /// Each file's name and text.
    pub files: Vec<(String, String)>,
    /// Files that belong there but cannot be made on this machine: left alone.
    pub skipped: Vec<String>,
}

impl Generated {
    /// Writes the files, or with `check` only compares them.
    pub(crate) fn write_or_check(&self, check: bool) -> Result<ExitCode> {
        if !check {
            self.write()?;
            return Ok(ExitCode::SUCCESS);
        }
        let differences = self.differences();
        if differences.is_empty() {
            println!("{}/: {} files fresh", self.dir, self.files.len());
            return Ok(ExitCode::SUCCESS);
        }
        differences.iter().for_each(|it| eprint!("{it}"));
        let fresh = std::env::temp_dir().join(format!("pico-generated-{}", std::process::id()));
        write_files(&fresh, &self.files)?;
        eprintln!(
            "{} file(s) in {}/ are not fresh: run `{}` (the fresh ones are in {})",
            differences.len(),
            self.dir,
            self.command,
            fresh.display()
        );
        Ok(ExitCode::FAILURE)
    }

    fn write(&self) -> Result<()> {
        let dir = workspace_root().join(self.dir);
        write_files(&dir, &self.files)?;
        println!("wrote {} files to {}/", self.files.len(), self.dir);
        for name in self.stale() {
            let path = dir.join(&name);
            fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
            println!("removed {}/{name} (no longer made)", self.dir);
        }
        Ok(())
    }

    /// What is not fresh, one message a file: an out-of-date one shows its
    /// first difference.
    pub(crate) fn differences(&self) -> Vec<String> {
        let mut differences = Vec::new();
        for (name, text) in &self.files {
            let path = format!("{}/{name}", self.dir);
            match fs::read_to_string(workspace_root().join(&path)) {
                Err(_) => differences.push(format!("{path}: missing\n")),
                Ok(old) if old != *text => {
                    let diff = similar::TextDiff::from_lines(&old, text);
                    let first = diff.unified_diff().context_radius(1).iter_hunks().next();
                    let first = first.map(|hunk| hunk.to_string()).unwrap_or_default();
                    differences.push(format!("{path}: out of date\n{first}"));
                }
                Ok(_) => {}
            }
        }
        let stale = self.stale().into_iter();
        differences
            .extend(stale.map(|name| format!("{}/{name}: stale (no longer made)\n", self.dir)));
        differences
    }

    /// The files in the directory with its extension that are not made.
    fn stale(&self) -> Vec<String> {
        let made = |name: &String| {
            self.files.iter().any(|(made, _)| made == name) || self.skipped.contains(name)
        };
        let entries = fs::read_dir(workspace_root().join(self.dir))
            .into_iter()
            .flatten();
        let mut stale: Vec<String> = (entries.flatten().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|e| e == self.extension))
            .filter_map(|path| Some(path.file_name()?.to_string_lossy().into_owned()))
            .filter(|name| !made(name))
            .collect();
        stale.sort();
        stale
    }
}

fn write_files(dir: &Path, files: &[(String, String)]) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, text) in files {
        let path = dir.join(name);
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
