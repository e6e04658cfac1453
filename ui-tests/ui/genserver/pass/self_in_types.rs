//! `Self` in message, reply, `ReplyTo` and continue types.
use otp_core::prelude::*;

#[derive(Clone, Debug, PartialEq)]
struct Point {
    x: i32,
    y: i32,
}

struct Recenter(Point);

#[genserver]
impl Point {
    #[init]
    fn init(start: Self, ctx: &mut Context<Self>) -> Result<Self, InitError> {
        ctx.continue_with(Recenter(start.clone()));
        Ok(start)
    }

    #[handle_call]
    fn swap(&mut self, new: Self) -> Self {
        std::mem::replace(self, new)
    }

    #[handle_call]
    fn snapshot(&mut self) -> Option<Self> {
        Some(self.clone())
    }

    #[handle_call]
    fn later(&mut self, reply: ReplyTo<Vec<Self>>) {
        let _ = reply.reply(vec![self.clone()]);
    }

    #[handle_cast]
    fn set_all(&mut self, points: Vec<Self>) {
        if let Some(last) = points.last() {
            *self = last.clone();
        }
    }

    #[handle_continue]
    fn recenter(&mut self, msg: Recenter) {
        self.x -= msg.0.x;
        self.y -= msg.0.y;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let point = Point::start(Point { x: 1, y: 2 }).await.unwrap();
    assert_eq!(point.snapshot().await, Ok(Some(Point { x: 0, y: 0 })));
    let old: Point = point.swap(Point { x: 5, y: 5 }).await.unwrap();
    assert_eq!(old, Point { x: 0, y: 0 });
    point.set_all(vec![Point { x: 7, y: 8 }]);
    assert_eq!(point.later().await, Ok(vec![Point { x: 7, y: 8 }]));
}
