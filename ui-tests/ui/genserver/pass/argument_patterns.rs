//! Handler arguments as patterns: `_`, `mut`, tuples, `ctx` before the message.
use otp_core::prelude::*;

struct Totals {
    sum: u64,
}

#[genserver]
impl Totals {
    #[handle_call]
    fn add_pair(&mut self, (a, b): (u32, u32)) -> u64 {
        self.sum += u64::from(a) + u64::from(b);
        self.sum
    }

    #[handle_call]
    fn add_doubled(&mut self, ctx: &mut Context<Self>, mut value: u32) -> u64 {
        let _ = ctx.pid();
        value *= 2;
        self.sum += u64::from(value);
        self.sum
    }

    #[handle_cast]
    fn ignore(&mut self, _: String, _unused: u8) {}

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let totals = Totals::start(Totals { sum: 0 }).await.unwrap();
    assert_eq!(totals.add_pair((1, 2)).await, Ok(3));
    assert_eq!(totals.add_doubled(5).await, Ok(13));
    totals.ignore("x".into(), 1);
    assert_eq!(totals.add_pair((0, 0)).await, Ok(13));
}
