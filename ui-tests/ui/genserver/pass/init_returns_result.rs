//! `#[init]` returning `Result<Self, InitError>`, with `?` on a std error.
use otp_core::prelude::*;

struct Config {
    port: u16,
}

#[genserver]
impl Config {
    #[init]
    fn init(text: String) -> Result<Self, InitError> {
        if text.is_empty() {
            return Err(InitError::Ignore);
        }
        let port = text.parse::<u16>()?;
        Ok(Config { port })
    }

    #[handle_call]
    fn port(&mut self) -> u16 {
        self.port
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let config = Config::start("8080".into()).await.unwrap();
    assert_eq!(config.port().await, Ok(8080));
    assert!(matches!(
        Config::start(String::new()).await,
        Err(StartError::Ignored)
    ));
    assert!(matches!(
        Config::start("port".into()).await,
        Err(StartError::Init(ExitReason::Error(_)))
    ));
}
