//! A throwaway MariaDB server: its own data directory (removed with it), a free port on
//! 127.0.0.1, root without a password. For a test that needs a server to stop answering,
//! and for the benchmark's server sized for its data — never the shared server.
//!
//! Shared by the test suite and the benchmark (`#[path]`): not a target of its own.

// Each of them uses a part.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running throwaway MariaDB; stopped and removed when dropped.
pub struct ThrowawayMariadb {
    process: Child,
    _directory: tempfile::TempDir,
    /// Its port on 127.0.0.1.
    pub port: u16,
}

impl ThrowawayMariadb {
    /// Installs and starts a server whose InnoDB buffer pool is `buffer_pool` (`32M`,
    /// `1G`), its data directory under `parent`; `None` when this machine has no MariaDB
    /// server binaries.
    pub fn start(parent: &Path, buffer_pool: &str) -> Option<Self> {
        let install = ["/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"]
            .into_iter()
            .find(|path| Path::new(path).exists())?;
        let server = ["/usr/sbin/mariadbd", "/usr/sbin/mysqld"]
            .into_iter()
            .find(|path| Path::new(path).exists())?;
        let directory = tempfile::tempdir_in(parent).expect("a directory for the server");
        let data = directory.path().join("data");
        let installed = Command::new(install)
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg("--user=root")
            .arg("--auth-root-authentication-method=normal")
            .arg("--skip-test-db")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("mariadb-install-db runs");
        assert!(installed.success(), "mariadb-install-db failed");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let process = Command::new(server)
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!(
                "--socket={}",
                directory.path().join("socket").display()
            ))
            .arg(format!(
                "--pid-file={}",
                directory.path().join("pid").display()
            ))
            .arg("--bind-address=127.0.0.1")
            .arg(format!("--port={port}"))
            .arg("--user=root")
            .arg("--skip-log-bin")
            .arg(format!("--innodb-buffer-pool-size={buffer_pool}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("mariadbd starts");
        let server = Self {
            process,
            _directory: directory,
            port,
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the throwaway server never answered"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(server)
    }

    /// The server's process id.
    pub fn process_id(&self) -> u32 {
        self.process.id()
    }

    /// Its address for root, without a database: `mysql://root@127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("mysql://root@127.0.0.1:{}", self.port)
    }
}

impl Drop for ThrowawayMariadb {
    fn drop(&mut self) {
        // SIGKILL ends a stopped process too.
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
