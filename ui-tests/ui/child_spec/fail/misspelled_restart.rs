//! mistakes: 1 - A misspelled restart type: the error names the one meant.
use otp_core::prelude::*;
use otp_core::supervisor;

struct Endpoint {
    port: u16,
}

#[genserver]
#[child_spec(restart = transent)]
impl Endpoint {
    #[init]
    fn init(port: u16) -> Self {
        Endpoint { port }
    }

    #[handle_call]
    fn port(&mut self) -> u16 {
        self.port
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let tree = supervisor! {
        strategy: one_for_one,
        children: [Endpoint(4000)],
    };
    let sup = tree.start_link().await.unwrap();
    let endpoint: EndpointRef = sup.child::<Endpoint>("Endpoint").await.unwrap().unwrap();
    assert_eq!(endpoint.port().await.unwrap(), 4000);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
