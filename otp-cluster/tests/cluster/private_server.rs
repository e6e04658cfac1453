//! A throwaway PostgreSQL server of one test's own, on a free port in a temporary directory,
//! from Debian's binaries (`/usr/lib/postgresql/<version>/bin`): a test may restart it without
//! touching the shared server. As root, the server runs as user `postgres` (`runuser`), since
//! `initdb` and `postgres` refuse to run as root.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A running private server, stopped and deleted when dropped.
pub(crate) struct PrivateServer {
    bin: PathBuf,
    dir: PathBuf,
    pub(crate) port: u16,
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// The directory of Debian's PostgreSQL binaries, the newest version first.
fn binaries() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's binaries in /usr/lib/postgresql (Debian's postgresql package); run `scripts/ensure-postgres`")
        .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .expect("a PostgreSQL version with pg_ctl under /usr/lib/postgresql")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

impl PrivateServer {
    /// Creates and starts a server.
    pub(crate) fn start(label: &str) -> Self {
        let bin = binaries();
        let dir = std::env::temp_dir().join(format!("otp-cluster-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("the server's directory");
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .expect("chown ran");
            assert!(status.success(), "chown of {}", dir.display());
        }
        let server = PrivateServer {
            bin,
            dir,
            port: free_port(),
        };
        let data = server.dir.join("data");
        server.run(
            "initdb",
            &[
                "-D",
                &data.to_string_lossy(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
        );
        server.pg_ctl(&["start"]);
        server
    }

    /// The server's url.
    pub(crate) fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Restarts the server (a fast shutdown: connections are closed), waiting until it answers.
    pub(crate) fn restart(&self) {
        self.pg_ctl(&["restart", "-m", "fast"]);
    }

    /// Stops the server (a fast shutdown), leaving its data for [`start_again`](Self::start_again).
    pub(crate) fn stop(&self) {
        self.pg_ctl(&["stop", "-m", "fast"]);
    }

    /// Starts the stopped server again, waiting until it answers.
    pub(crate) fn start_again(&self) {
        self.pg_ctl(&["start"]);
    }

    fn pg_ctl(&self, action: &[&str]) {
        let data = self.dir.join("data");
        let log = self.dir.join("server.log");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        let mut args = vec!["-D", &*data.to_string_lossy()]
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        args.extend([
            "-l".to_owned(),
            log.to_string_lossy().into_owned(),
            "-o".to_owned(),
            options,
            "-w".to_owned(),
        ]);
        args.extend(action.iter().map(|a| (*a).to_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run("pg_ctl", &args);
    }

    fn run(&self, program: &str, args: &[&str]) {
        let path = self.bin.join(program);
        let output = if is_root() {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&path)
                .args(args)
                .current_dir(&self.dir)
                .output()
        } else {
            Command::new(&path)
                .args(args)
                .current_dir(&self.dir)
                .output()
        }
        .unwrap_or_else(|error| panic!("{} did not run: {error}", path.display()));
        assert!(
            output.status.success(),
            "{program} {args:?} failed: {}\n{}\nlog: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
        );
    }

    fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let stop = [
            self.bin.join("pg_ctl").to_string_lossy().into_owned(),
            "-D".into(),
            data.to_string_lossy().into_owned(),
            "stop".into(),
            "-m".into(),
            "immediate".into(),
        ];
        let _ = if is_root() {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .args(&stop)
                .output()
        } else {
            Command::new(&stop[0]).args(&stop[1..]).output()
        };
        let _ = std::fs::remove_dir_all(self.dir());
    }
}
