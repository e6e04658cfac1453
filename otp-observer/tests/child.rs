//! `Observer` as a supervised child: it serves on its address, and again after a restart.

use std::net::SocketAddr;

use otp_core::prelude::*;
use otp_core::supervisor;
use otp_observer::{Observer, ObserverConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `GET path` over a plain HTTP/1.0 connection: the status line and the body.
async fn http_get(address: SocketAddr, path: &str) -> (String, String) {
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("the observer accepts connections");
    stream
        .write_all(format!("GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n").as_bytes())
        .await
        .expect("the request is sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("an answer");
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
    (
        head.lines().next().unwrap_or_default().to_owned(),
        body.to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_on_its_address_and_again_after_a_kill() {
    // A port free a moment ago: a restart must find its observer on the same address.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let config = ObserverConfig::new().address(([127, 0, 0, 1], port).into());
    let app = supervisor! { strategy: one_for_one, children: [ Observer(config) ] }
        .start_link()
        .await
        .expect("the tree starts");
    let observer = app.child::<Observer>("Observer").await.unwrap().unwrap();
    let address = observer.local_addr().await.expect("an answer");
    assert_eq!(address, SocketAddr::from(([127, 0, 0, 1], port)));
    let (status, body) = http_get(address, "/api/overview").await;
    assert!(status.contains("200"), "{status}");
    assert!(body.contains("\"read_only\":true"), "{body}");

    let first = app.child_pid("Observer").await.unwrap().unwrap();
    first.kill();
    first.wait_exit().await;
    let second = app.child::<Observer>("Observer").await.unwrap().unwrap();
    assert_ne!(app.child_pid("Observer").await.unwrap().unwrap(), first);
    assert_eq!(second.local_addr().await.expect("an answer"), address);
    let (status, _) = http_get(address, "/").await;
    assert!(status.contains("200"), "{status}");

    app.stop(ExitReason::Shutdown)
        .await
        .expect("the tree stops");
}
