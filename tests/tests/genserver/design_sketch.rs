//! The GenServer of DESIGN.md's sketch compiles and behaves as written there.

use std::collections::HashMap;

use otp_core::prelude::*;
use tokio::time::Instant;

pub struct Cache {
    ttl: Duration,
    store: HashMap<String, (String, Instant)>,
}
struct Cleanup;

#[genserver]
impl Cache {
    #[init]
    fn init(ttl: Duration, ctx: &mut Context<Self>) -> Result<Self, InitError> {
        ctx.send_after(Duration::from_secs(60), Cleanup);
        Ok(Cache {
            ttl,
            store: HashMap::new(),
        })
    }

    #[handle_call]
    fn get(&mut self, key: String) -> Option<String> {
        let now = Instant::now();
        self.store
            .get(&key)
            .filter(|(_, expires)| *expires > now)
            .map(|(value, _)| value.clone())
    }

    #[handle_cast]
    fn put(&mut self, key: String, value: String) {
        self.store.insert(key, (value, Instant::now() + self.ttl));
    }

    #[handle_info]
    fn cleanup(&mut self, _: Cleanup, ctx: &mut Context<Self>) {
        let now = Instant::now();
        self.store.retain(|_, (_, expires)| *expires > now);
        ctx.send_after(Duration::from_secs(60), Cleanup);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "unexpected message");
    }
}

#[tokio::test(start_paused = true)]
async fn the_design_sketch_works() -> Result<(), Box<dyn std::error::Error>> {
    let cache = Cache::start_link(Duration::from_secs(300)).await?;
    cache.put("k".into(), "v".into());
    assert_eq!(cache.get("k".into()).await?, Some("v".into()));
    let v = cache
        .get("k".into())
        .timeout(Duration::from_millis(50))
        .await?;
    assert_eq!(v, Some("v".into()));
    tokio::time::sleep(Duration::from_secs(301)).await;
    assert_eq!(cache.get("k".into()).await?, None);
    Ok(())
}
