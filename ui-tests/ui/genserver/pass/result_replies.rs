//! A call that returns `Result<T, E>`: the caller gets `Result<Result<T, E>, CallError>`.
use std::num::ParseIntError;

use otp_core::prelude::*;

struct Parser;

#[derive(Debug, PartialEq)]
struct Rejected(String);

#[genserver]
impl Parser {
    #[handle_call]
    fn parse(&mut self, text: String) -> Result<u32, ParseIntError> {
        text.parse()
    }

    #[handle_call]
    async fn check(&mut self, text: String) -> Result<(), Rejected> {
        if text.is_empty() {
            Err(Rejected(text))
        } else {
            Ok(())
        }
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let parser = Parser::start(Parser).await.unwrap();
    let ok: Result<Result<u32, ParseIntError>, CallError> = parser.parse("12".into()).await;
    assert_eq!(ok, Ok(Ok(12)));
    assert!(matches!(parser.parse("x".into()).await, Ok(Err(_))));
    assert_eq!(
        parser.check(String::new()).await,
        Ok(Err(Rejected(String::new())))
    );
    assert_eq!(parser.check("a".into()).await, Ok(Ok(())));
}
