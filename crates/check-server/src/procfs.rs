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
    table.lines().skip(1).find_map(|line| {
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

/// How many descriptors `pid` holds open.
pub(crate) fn open_descriptors(pid: u32) -> Option<usize> {
    Some(fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count())
}

/// `VmHWM`, the peak resident memory of `pid`, in KiB.
pub(crate) fn peak_memory_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
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
}
