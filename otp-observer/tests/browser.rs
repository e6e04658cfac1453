//! The page in a real browser: headless Chromium driven through `chromedriver` (the `WebDriver`
//! protocol), on a small supervision tree with the observer as one of its children: the tree
//! shows, a kill is refused without the token and done with it, the child shows again under a
//! new pid, and it is suspended and resumed from the page.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`scripts/ensure-chromium` installs them).
//! Without them the test says so and passes, unless `OTP_REQUIRE_BROWSER=1` is set (as
//! `scripts/test` sets it): then it fails.

mod support;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child as OsChild, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use otp_core::prelude::*;
use otp_core::{SupervisorRef, supervisor};
use otp_observer::{Observer, ObserverConfig};
use support::Idle;

const TOKEN: &str = "e2e-token-4f1c";

/// A program found by its usual Debian path, an environment variable, or the `PATH`.
fn program(variable: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(variable) {
        let path = PathBuf::from(path);
        return path.is_file().then_some(path);
    }
    let dirs = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&dirs).chain([PathBuf::from("/usr/bin")]) {
        for name in names {
            let path = dir.join(name);
            if path.is_file() {
                return Some(path);
            }
        }
    }
    None
}

/// chromedriver, stopped when dropped. It and the browser it starts keep their temporary files
/// in a directory of their own under the target dir, removed with them: in the system's, each
/// run left two of Chromium's directories behind (2.4 MB), the session closed or not.
struct Driver {
    process: OsChild,
    address: SocketAddr,
    temporary: PathBuf,
}

impl Driver {
    fn start(path: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let temporary =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("chromium-{}", std::process::id()));
        std::fs::create_dir_all(&temporary).expect("a temporary directory for the browser");
        let process = Command::new(path)
            .arg(format!("--port={port}"))
            .env("TMPDIR", &temporary)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("could not start {}: {error}", path.display()));
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        Driver {
            process,
            address,
            temporary,
        }
    }

    /// Waits until chromedriver accepts connections: it has no other way to say it is ready.
    async fn ready(&mut self) {
        for _ in 0..200 {
            if TcpStream::connect(self.address).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.process.try_wait() {
                panic!("chromedriver exited at start: {status}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "chromedriver did not listen on {} within 10 s",
            self.address
        );
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
        let _ = std::fs::remove_dir_all(&self.temporary);
    }
}

async fn browser(driver: &Driver, chromium: &Path) -> Client {
    let capabilities = serde_json::json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--hide-scrollbars",
            ],
        }
    });
    let serde_json::Value::Object(capabilities) = capabilities else {
        unreachable!("an object literal")
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://{}", driver.address))
        .await
        .expect("a WebDriver session with headless Chromium")
}

/// Clicks the element `css` selects.
async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("no {css}: {error}"))
        .click()
        .await
        .unwrap_or_else(|error| panic!("clicking {css}: {error}"));
}

/// A tree of two idle workers, `steady` and `victim`, and the observer with a token on a free
/// port: the supervisor and the observer's address.
async fn start_tree() -> (SupervisorRef, SocketAddr) {
    let config = ObserverConfig::new()
        .token(TOKEN)
        .address(([127, 0, 0, 1], 0).into());
    let app: SupervisorRef = supervisor! {
        strategy: one_for_one,
        children: [
            Idle(()) { id = "steady" },
            Idle(()) { id = "victim" },
            Observer(config),
        ],
    }
    .start_link()
    .await
    .expect("the tree starts");
    let observer = app
        .child::<Observer>("Observer")
        .await
        .expect("the supervisor answers")
        .expect("the observer runs");
    let address = observer.local_addr().await.expect("the observer answers");
    (app, address)
}

/// An element's attribute, or "" when it has none.
async fn attribute(client: &Client, css: &str, name: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("no {css}: {error}"))
        .attr(name)
        .await
        .unwrap_or_else(|error| panic!("{css}'s {name}: {error}"))
        .unwrap_or_default()
}

/// Polls the page until `check` holds on `css`'s text or attribute: the browser has no event
/// to await from here. Up to 15 s, then fails with what it saw last.
async fn eventually(
    client: &Client,
    css: &str,
    what: Option<&str>,
    check: impl Fn(&str) -> bool,
) -> String {
    let mut last = String::new();
    for _ in 0..150 {
        if let Ok(element) = client.find(Locator::Css(css)).await {
            let value = match what {
                Some(name) => element.attr(name).await.ok().flatten(),
                None => element.text().await.ok(),
            };
            if let Some(value) = value {
                if check(&value) {
                    return value;
                }
                last = value;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} ({what:?}) never matched; last seen: {last:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_a_child_from_the_page_and_see_it_restarted() {
    let required = std::env::var("OTP_REQUIRE_BROWSER").is_ok_and(|value| value == "1");
    let (Some(chromium), Some(chromedriver)) = (
        program(
            "CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        ),
        program("CHROMEDRIVER", &["chromedriver"]),
    ) else {
        assert!(
            !required,
            "OTP_REQUIRE_BROWSER=1 but chromium or chromedriver is missing: run \
             scripts/ensure-chromium (apt-get install chromium chromium-driver)"
        );
        eprintln!("skipped: chromium or chromedriver is missing (scripts/ensure-chromium)");
        return;
    };

    let (app, address) = start_tree().await;
    let victim = app
        .child_pid("victim")
        .await
        .expect("the supervisor answers")
        .expect("victim runs");

    let mut driver = Driver::start(&chromedriver);
    driver.ready().await;
    let client = browser(&driver, &chromium).await;
    client
        .goto(&format!("http://{address}/"))
        .await
        .expect("the page loads");

    // The tree shows, with the victim under its id.
    let node = r#"li.node[data-id="victim"]"#;
    client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(node))
        .await
        .expect("the tree shows the victim");
    assert_eq!(
        attribute(&client, node, "data-pid").await,
        victim.to_string()
    );
    assert_eq!(
        eventually(&client, "#connection", None, |text| text == "live").await,
        "live"
    );

    // Selected, its detail shows.
    click(&client, &format!("{node} > .label")).await;
    eventually(&client, "#d-pid", None, |text| text == victim.to_string()).await;

    // Without the token, the kill is refused and the page says why.
    click(&client, "#action-kill").await;
    let refusal = eventually(&client, "#message", None, |text| text.contains("refused")).await;
    assert!(refusal.contains("token"), "{refusal}");
    assert!(victim.is_alive(), "a refused kill killed nothing");

    // With it, the victim dies and its supervisor starts it again under a new pid.
    client
        .find(Locator::Css("#token"))
        .await
        .expect("the token field")
        .send_keys(TOKEN)
        .await
        .expect("typing");
    click(&client, "#token-save").await;
    click(&client, "#action-kill").await;
    assert_eq!(victim.wait_exit().await, ExitReason::Killed);
    let old = victim.to_string();
    let restarted = eventually(&client, node, Some("data-pid"), |pid| {
        !pid.is_empty() && pid != old
    })
    .await;
    let now = app
        .child_pid("victim")
        .await
        .expect("the supervisor answers")
        .expect("the victim runs again");
    assert_eq!(restarted, now.to_string());
    // The detail follows the child to its new pid.
    eventually(&client, "#d-pid", None, |text| text == restarted).await;
    let done = eventually(&client, "#message", None, |text| text.contains("done")).await;
    assert!(done.contains(&old), "{done}");

    // Suspended from the page, it queues its messages; resumed, it handles them again.
    click(&client, "#action-suspend").await;
    eventually(&client, "#d-status", None, |text| text == "suspended").await;
    assert_eq!(
        now.info().map(|info| info.status),
        Some(otp_core::observe::ProcessStatus::Suspended)
    );
    click(&client, "#action-resume").await;
    eventually(&client, "#d-status", None, |text| text == "waiting").await;

    let png = client.screenshot().await.expect("a screenshot");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target dir")
        .join("observer-e2e.png");
    std::fs::write(&target, png).expect("the screenshot saved");
    eprintln!("screenshot: {}", target.display());

    client.close().await.expect("the browser closes");
    drop(driver);
    app.stop(ExitReason::Shutdown)
        .await
        .expect("the tree stops");
}
