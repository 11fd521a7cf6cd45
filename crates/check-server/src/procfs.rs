//! Linux's `/proc`: which process listens on a port, how many descriptors it
//! holds, its peak memory. Elsewhere every function returns `None` and the
//! checks that need them say SKIP.

use std::fs;

/// Whether a socket listens on `port` (any address), from the kernel's
/// tables: `None` where there is no `/proc/net/tcp`.
pub(crate) fn is_listening(port: u16) -> Option<bool> {
    let mut found = None;
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        if let Ok(text) = fs::read_to_string(table) {
            found = Some(found.unwrap_or(false) || listening_inode(&text, port).is_some());
        }
    }
    found
}

/// The inode of the listening socket on `port` in one table. A line reads
/// `sl local_address rem_address st ... inode`, the address `HEX_IP:HEX_PORT`
/// and state `0A` meaning LISTEN.
fn listening_inode(table: &str, port: u16) -> Option<String> {
    let wanted = format!(":{port:04X}");
    // A busy machine's table holds tens of thousands of TIME_WAIT lines:
    // only the lines that name the port are split into fields.
    let mut named = table.lines().skip(1).filter(|line| line.contains(&wanted));
    named.find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let listens = fields.get(1)?.ends_with(&wanted) && *fields.get(3)? == "0A";
        listens.then(|| fields.get(9).map(|s| s.to_string()))?
    })
}

/// The process that owns the listening socket on `port`: the real server, even
/// when the command was `cargo run` or a script. We look for `socket:[INODE]`
/// among the descriptors of every process we may read.
pub(crate) fn listener_pid(port: u16) -> Option<u32> {
    let inode = ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|t| fs::read_to_string(t).ok())
        .find_map(|text| listening_inode(&text, port))?;
    let link = format!("socket:[{inode}]");
    fs::read_dir("/proc").ok()?.flatten().find_map(|entry| {
        let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
        let fds = fs::read_dir(entry.path().join("fd")).ok()?;
        let owns = fds.flatten().any(|fd| {
            fs::read_link(fd.path()).is_ok_and(|target| target.as_os_str() == link.as_str())
        });
        owns.then_some(pid)
    })
}

/// `pid` and every process below it, parents first: a forking server
/// (one process per client, or a master and its workers) is one tree.
pub(crate) fn tree(pid: u32) -> Option<Vec<u32>> {
    let parents: Vec<(u32, u32)> = fs::read_dir("/proc")
        .ok()?
        .flatten()
        .filter_map(|entry| {
            let child: u32 = entry.file_name().to_str()?.parse().ok()?;
            Some((child, parent_of(child)?))
        })
        .collect();
    let mut tree = vec![pid];
    let mut at = 0;
    while let Some(&parent) = tree.get(at) {
        tree.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(c, _)| *c),
        );
        at += 1;
    }
    Some(tree)
}

/// The parent's id, from `/proc/PID/stat`: `pid (comm) state ppid ...`, where
/// `comm` may hold spaces and parentheses, so we read from its last `)`.
fn parent_of(pid: u32) -> Option<u32> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(1)?.parse().ok()
}

/// The descriptors each process of the tree of `pid` holds open.
pub(crate) fn tree_descriptors(pid: u32) -> Option<Vec<(u32, usize)>> {
    let counts: Vec<(u32, usize)> = tree(pid)?
        .into_iter()
        .filter_map(|p| Some((p, open_descriptors(p)?)))
        .collect();
    (!counts.is_empty()).then_some(counts)
}

/// The memory of the whole tree of `pid` now, in KiB: the sum of each
/// process's `Pss`, its resident pages with each shared page divided among
/// the processes sharing it. A forked child shares its parent's pages until
/// it writes them; summing `VmRSS` would count them once per process.
pub(crate) fn tree_memory_kib(pid: u32) -> Option<u64> {
    let sizes: Vec<u64> = tree(pid)?
        .into_iter()
        .filter_map(|p| kib_line(&format!("/proc/{p}/smaps_rollup"), "Pss:"))
        .collect();
    (!sizes.is_empty()).then(|| sizes.iter().sum())
}

/// How many descriptors `pid` holds open.
pub(crate) fn open_descriptors(pid: u32) -> Option<usize> {
    Some(fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count())
}

/// `VmHWM`, the peak resident memory of `pid`, in KiB.
pub(crate) fn peak_memory_kib(pid: u32) -> Option<u64> {
    kib_line(&format!("/proc/{pid}/status"), "VmHWM:")
}

/// The number of a `NAME: N kB` line of a `/proc` file.
fn kib_line(file: &str, name: &str) -> Option<u64> {
    let text = fs::read_to_string(file).ok()?;
    let line = text.lines().find(|l| l.starts_with(name))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listening_line_is_found_by_port() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   \
            0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1\n";
        assert_eq!(listening_inode(table, 8000).as_deref(), Some("4242"));
        assert_eq!(listening_inode(table, 8001), None);
    }

    #[test]
    fn a_child_process_is_in_its_parents_tree() {
        let Ok(mut child) = std::process::Command::new("sleep").arg("30").spawn() else {
            eprintln!("skipped: no `sleep` command to start");
            return;
        };
        let me = std::process::id();
        let found = tree(me);
        let _ = child.kill();
        let _ = child.wait();
        match found {
            Some(tree) => assert!(tree.contains(&child.id()) && tree[0] == me, "{tree:?}"),
            None => eprintln!("skipped: no /proc here"),
        }
    }
}
